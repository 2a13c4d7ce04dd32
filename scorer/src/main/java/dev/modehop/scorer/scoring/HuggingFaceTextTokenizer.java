package dev.modehop.scorer.scoring;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.Arrays;

/**
 * {@link TextTokenizer} over a DJL {@link HuggingFaceTokenizer}: encodes with the tokenizer's special tokens,
 * then drops special tokens at the end (an EOS that a post-processor appends would otherwise count as part
 * of every answer). Leading ones (BOS) stay. A truncated encoding is an error, never a silent cut: build the
 * tokenizer with truncation off.
 */
public final class HuggingFaceTextTokenizer implements TextTokenizer {
    private final HuggingFaceTokenizer tokenizer;

    public HuggingFaceTextTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    @Override
    public long[] encode(String text) {
        Encoding encoding = whole(tokenizer.encode(text, true, false), text);
        long[] ids = encoding.getIds();
        long[] special = encoding.getSpecialTokenMask();
        int end = ids.length;
        while (end > 0 && special != null && special.length == ids.length && special[end - 1] != 0) {
            end--;
        }
        return end == ids.length ? ids : Arrays.copyOf(ids, end);
    }

    @Override
    public long[] encodeWithoutSpecialTokens(String text) {
        return whole(tokenizer.encode(text, false, false), text).getIds();
    }

    private static Encoding whole(Encoding encoding, String text) {
        if (encoding.exceedMaxLength()) {
            throw new IllegalStateException("tokenizer truncated a text of " + text.length()
                    + " characters; load the tokenizer with truncation disabled");
        }
        return encoding;
    }
}
