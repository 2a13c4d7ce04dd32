package dev.modehop.scorer.scoring;

import java.util.Arrays;

/**
 * The tokens of {@code prompt + " " + answer} and where the answer's tokens start.
 *
 * <p>The answer tokens are those after the prompt's tokens. Usually the prompt's ids are a prefix of the
 * full text's ids. When the tokenizer merges across the boundary (the last prompt token and the start of
 * " answer" become a different token), the span starts at the first position where the two encodings
 * differ: the answer's probability then also covers the re-tokenized tail of the prompt, and
 * {@link #boundaryMerged()} records that it happened. The span always has at least one token of context
 * before it.
 *
 * @param full  ids of the full text
 * @param start index in {@code full} of the first answer token
 */
public record AnswerSpan(long[] full, int start, boolean boundaryMerged) {

    public static AnswerSpan of(long[] promptIds, long[] fullIds, String itemId) {
        int lcp = 0;
        int max = Math.min(promptIds.length, fullIds.length);
        while (lcp < max && promptIds[lcp] == fullIds[lcp]) {
            lcp++;
        }
        if (lcp == 0) {
            throw new IllegalArgumentException("item " + itemId + ": the prompt shares no leading token with the"
                    + " prompt plus answer, so no answer token has context to be predicted from");
        }
        if (lcp >= fullIds.length) {
            throw new IllegalArgumentException("item " + itemId + ": the answer adds no token to the prompt");
        }
        return new AnswerSpan(fullIds, lcp, lcp < promptIds.length);
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
