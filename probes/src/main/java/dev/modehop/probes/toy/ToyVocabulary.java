package dev.modehop.probes.toy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The toy run's vocabulary and its global label map g(x): the single definition shared by the toy
 * pre-training run (module {@code toyrun/}) and the {@code toy} probe suite, so that "memorized label"
 * means the same thing on both sides.
 *
 * <p>Tokens and ids: {@code <bos>} = 0, {@code x0..x63} = 1..64, {@code l0..l7} = 65..72 (73 in all).
 * Text is the tokens separated by single spaces, e.g. {@code "<bos> x3 l5 x9 l1 x3"}.
 *
 * <p>g(x) is balanced, 8 items per label: start from {@code perm = [0, 1, ..., 63]}, shuffle it with
 * {@link SplitMix64#shuffle} seeded with {@link #DEFAULT_SEED}, then {@code g(perm[k]) = k / 8}.
 * A run may choose another seed (recorded in its config) but the default is what the shipped toy suite
 * uses.
 */
public final class ToyVocabulary {
    public static final int ITEMS = 64;
    public static final int LABELS = 8;
    /** (item, label) pairs before the query in a toy sequence: {@code BOS x1 l1 ... x8 l8 xq}, length 18. */
    public static final int CONTEXT_PAIRS = 8;
    public static final long DEFAULT_SEED = 20260501L;
    public static final String BOS = "<bos>";
    public static final int BOS_ID = 0;
    public static final int VOCAB_SIZE = 1 + ITEMS + LABELS;

    private static final ToyVocabulary STANDARD = new ToyVocabulary(DEFAULT_SEED);

    private final long seed;
    private final int[] globalLabel = new int[ITEMS];

    private ToyVocabulary(long seed) {
        this.seed = seed;
        int[] perm = new int[ITEMS];
        for (int i = 0; i < ITEMS; i++) {
            perm[i] = i;
        }
        new SplitMix64(seed).shuffle(perm);
        int perLabel = ITEMS / LABELS;
        for (int k = 0; k < ITEMS; k++) {
            globalLabel[perm[k]] = k / perLabel;
        }
    }

    /** The vocabulary with {@link #DEFAULT_SEED}, which the shipped toy suite and the toy run use. */
    public static ToyVocabulary standard() {
        return STANDARD;
    }

    public static ToyVocabulary withSeed(long seed) {
        return seed == DEFAULT_SEED ? STANDARD : new ToyVocabulary(seed);
    }

    public long seed() {
        return seed;
    }

    /** g(x): the memorizable label of item x, in [0, 8). */
    public int globalLabel(int item) {
        checkItem(item);
        return globalLabel[item];
    }

    /** The 8 items whose global label is {@code label}, ascending. */
    public int[] itemsWithLabel(int label) {
        checkLabel(label);
        return java.util.stream.IntStream.range(0, ITEMS).filter(x -> globalLabel[x] == label).toArray();
    }

    public static int itemId(int item) {
        checkItem(item);
        return 1 + item;
    }

    public static int labelId(int label) {
        checkLabel(label);
        return 1 + ITEMS + label;
    }

    public static String itemToken(int item) {
        checkItem(item);
        return "x" + item;
    }

    public static String labelToken(int label) {
        checkLabel(label);
        return "l" + label;
    }

    /** All token texts, index = token id. */
    public static List<String> tokens() {
        List<String> tokens = new ArrayList<>(VOCAB_SIZE);
        tokens.add(BOS);
        for (int i = 0; i < ITEMS; i++) {
            tokens.add(itemToken(i));
        }
        for (int l = 0; l < LABELS; l++) {
            tokens.add(labelToken(l));
        }
        return Collections.unmodifiableList(tokens);
    }

    public static int tokenId(String token) {
        if (BOS.equals(token)) {
            return BOS_ID;
        }
        if (token.length() >= 2 && (token.charAt(0) == 'x' || token.charAt(0) == 'l')) {
            try {
                int n = Integer.parseInt(token.substring(1));
                String canonical = token.charAt(0) + Integer.toString(n);
                if (canonical.equals(token)) {
                    if (token.charAt(0) == 'x' && n >= 0 && n < ITEMS) {
                        return itemId(n);
                    }
                    if (token.charAt(0) == 'l' && n >= 0 && n < LABELS) {
                        return labelId(n);
                    }
                }
            } catch (NumberFormatException ignored) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("not a toy token: '" + token + "'");
    }

    /** Token ids of a space-separated toy text. */
    public static long[] encode(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return new long[0];
        }
        String[] parts = trimmed.split("\\s+");
        long[] ids = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            ids[i] = tokenId(parts[i]);
        }
        return ids;
    }

    public static String decode(long[] ids) {
        List<String> tokens = tokens();
        StringBuilder sb = new StringBuilder();
        for (long id : ids) {
            if (id < 0 || id >= VOCAB_SIZE) {
                throw new IllegalArgumentException("not a toy token id: " + id);
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(tokens.get((int) id));
        }
        return sb.toString();
    }

    /**
     * A Hugging Face {@code tokenizer.json} for this vocabulary (WordLevel model, whitespace split, no
     * normalizer, no post-processor), so toy checkpoints load through the same tokenizer path as real
     * ones. {@code <bos>} is a special added token; unknown words fail to encode rather than map to a
     * token.
     */
    public static String tokenizerJson() {
        StringBuilder vocab = new StringBuilder();
        List<String> tokens = tokens();
        for (int id = 0; id < tokens.size(); id++) {
            if (id > 0) {
                vocab.append(',');
            }
            vocab.append('"').append(tokens.get(id)).append("\":").append(id);
        }
        return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
                + "\"added_tokens\":[{\"id\":0,\"content\":\"<bos>\",\"single_word\":false,\"lstrip\":false,"
                + "\"rstrip\":false,\"normalized\":false,\"special\":true}],"
                + "\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"},"
                + "\"post_processor\":null,\"decoder\":null,"
                + "\"model\":{\"type\":\"WordLevel\",\"vocab\":{" + vocab + "},\"unk_token\":\"<unk>\"}}";
    }

    private static void checkItem(int item) {
        if (item < 0 || item >= ITEMS) {
            throw new IllegalArgumentException("item out of range [0, " + ITEMS + "): " + item);
        }
    }

    private static void checkLabel(int label) {
        if (label < 0 || label >= LABELS) {
            throw new IllegalArgumentException("label out of range [0, " + LABELS + "): " + label);
        }
    }
}
