package dev.modehop.scorer.scoring;

import java.util.Arrays;

/**
 * The tokens of {@code prompt + " " + answer} and where the answer's tokens start.
 *
 * <p>GDsuite's rule, for every suite: the span starts after the tokens of {@code prompt + " "} when those
 * are a prefix of the full text's tokens (the separating space is then a token of its own and belongs to
 * the prompt), otherwise after the tokens of {@code prompt}. When the tokenizer merged the prompt's last
 * token with the start of the answer, the prompt's tokens are not a prefix ({@link #boundaryMerged()}) and
 * the span is still the full text's tokens past the prompt's token count, as GDsuite reads it. Only where
 * that leaves no answer token (GDsuite would average over nothing) does the span start at the first
 * position where prompt and full text differ. The span always has at least one token of context before it.
 *
 * @param full  ids of the full text
 * @param start index in {@code full} of the first answer token
 */
public record AnswerSpan(long[] full, int start, boolean boundaryMerged) {

    /**
     * @param promptIds      ids of {@code prompt}
     * @param promptSpaceIds ids of {@code prompt + " "}
     * @param fullIds        ids of {@code prompt + " " + answer}
     */
    public static AnswerSpan of(long[] promptIds, long[] promptSpaceIds, long[] fullIds, String itemId) {
        boolean merged = !isPrefix(promptIds, fullIds);
        int start;
        if (isPrefix(promptSpaceIds, fullIds) && promptSpaceIds.length < fullIds.length) {
            start = promptSpaceIds.length;
        } else if (promptIds.length < fullIds.length) {
            start = promptIds.length;
        } else {
            start = commonPrefix(promptIds, fullIds);
        }
        if (start == 0) {
            throw new IllegalArgumentException("item " + itemId + ": the prompt shares no leading token with the"
                    + " prompt plus answer, so no answer token has context to be predicted from");
        }
        if (start >= fullIds.length) {
            throw new IllegalArgumentException("item " + itemId + ": the answer adds no token to the prompt");
        }
        return new AnswerSpan(fullIds, start, merged);
    }

    /**
     * GDsuite's span for a tokenizer that adds leading special tokens (a BOS): the boundary is found as in
     * {@link #of} on the encodings without special tokens, and applied, as an index, to the sequence the model
     * reads, which has them. With one BOS the span starts one token early: it covers the prompt's last token
     * and every answer token, and runs to the end of the sequence. For a tokenizer that adds none it equals
     * {@link #of}.
     *
     * @param promptIds      ids of {@code prompt}, without special tokens
     * @param promptSpaceIds ids of {@code prompt + " "}, without special tokens
     * @param bareFullIds    ids of {@code prompt + " " + answer}, without special tokens
     * @param fullIds        ids of {@code prompt + " " + answer} as the model reads them (with special tokens)
     */
    public static AnswerSpan gdsuite(long[] promptIds, long[] promptSpaceIds, long[] bareFullIds, long[] fullIds,
                                     String itemId) {
        AnswerSpan bare = of(promptIds, promptSpaceIds, bareFullIds, itemId);
        if (bare.start >= fullIds.length) {
            throw new IllegalArgumentException("item " + itemId + ": the answer adds no token to the prompt");
        }
        return new AnswerSpan(fullIds, bare.start, bare.boundaryMerged);
    }

    private static boolean isPrefix(long[] prefix, long[] of) {
        return prefix.length <= of.length && Arrays.equals(prefix, 0, prefix.length, of, 0, prefix.length);
    }

    private static int commonPrefix(long[] a, long[] b) {
        int n = 0;
        int max = Math.min(a.length, b.length);
        while (n < max && a[n] == b[n]) {
            n++;
        }
        return n;
    }

    public int answerTokens() {
        return full.length - start;
    }

    /** The ids the model must see to predict every answer token: all but the last. */
    public long[] input() {
        return Arrays.copyOf(full, full.length - 1);
    }

    /** True when {@code other} has the same tokens before its answer starts at the same position. */
    public boolean samePrefix(AnswerSpan other) {
        return start == other.start && Arrays.equals(full, 0, start, other.full, 0, start);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnswerSpan s && start == s.start && boundaryMerged == s.boundaryMerged
                && Arrays.equals(full, s.full);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(full) + start;
    }

    @Override
    public String toString() {
        return "AnswerSpan[" + Arrays.toString(full) + ", start=" + start + (boundaryMerged ? ", merged" : "") + "]";
    }
}
