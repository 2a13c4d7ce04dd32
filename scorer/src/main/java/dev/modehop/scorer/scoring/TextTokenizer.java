package dev.modehop.scorer.scoring;

/**
 * Text to token ids as the model sees the start of a document: with the leading special tokens the model
 * was trained with (a BOS for LLaMA-style tokenizers) and without trailing ones (no EOS), so that the ids
 * of a prompt are, token boundaries permitting, a prefix of the ids of {@code prompt + " " + answer}.
 */
@FunctionalInterface
public interface TextTokenizer {
    long[] encode(String text);

    /**
     * The same text without any special token (GDsuite counts its answer boundary on these); the default is
     * {@link #encode} for tokenizers that add none.
     */
    default long[] encodeWithoutSpecialTokens(String text) {
        return encode(text);
    }
}
