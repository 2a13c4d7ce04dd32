package dev.modehop.scorer.model;

import java.util.Map;

/**
 * A {@link DecoderModel} that must be LLaMA: RMSNorm, separate q/k/v/o projections with grouped-query
 * attention, rotary embedding on the whole head, SwiGLU MLP, {@code lm_head} or tied to {@code embed_tokens}.
 */
public final class LlamaModel extends DecoderModel {
    public static final String EMBED = Architecture.LLAMA.embedding();
    public static final String FINAL_NORM = Architecture.LLAMA.finalNorm() + "weight";
    public static final String LM_HEAD = Architecture.LLAMA.head();

    public LlamaModel(ModelConfig config, ModelWeights weights) {
        super(requireLlama(config), weights);
    }

    private static ModelConfig requireLlama(ModelConfig c) {
        if (!c.isLlama()) {
            throw new IllegalArgumentException("not a LLaMA config: " + c.architecture());
        }
        return c;
    }

    public static String layer(int i) {
        return Architecture.LLAMA.layer(i);
    }

    public static Map<String, long[]> shapes(ModelConfig c) {
        return TensorLayout.shapes(requireLlama(c));
    }
}
