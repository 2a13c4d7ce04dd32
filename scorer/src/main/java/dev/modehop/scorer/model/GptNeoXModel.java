package dev.modehop.scorer.model;

import java.util.Map;

/**
 * A {@link DecoderModel} that must be GPT-NeoX (the Pythia family, and the toy run's model): pre-LayerNorm
 * blocks, attention and MLP in parallel or in sequence, a fused per-head query_key_value projection, rotary
 * embedding on the first {@code rotary_pct} of each head, GELU, {@code embed_out} or tied to {@code embed_in}.
 * The toy run's extras, both off for real checkpoints: {@link #EMBED_PREV} (embedding of token t-1 added at
 * position t, {@code bos_token_id} before position 0) and {@link #EMBED_POS} (learned absolute positions).
 */
public final class GptNeoXModel extends DecoderModel {
    public static final String EMBED_IN = Architecture.GPT_NEOX.embedding();
    public static final String EMBED_PREV = TensorLayout.EMBED_PREV;
    public static final String EMBED_POS = TensorLayout.EMBED_POS;
    public static final String FINAL_NORM = Architecture.GPT_NEOX.finalNorm();
    public static final String EMBED_OUT = Architecture.GPT_NEOX.head();

    public GptNeoXModel(ModelConfig config, ModelWeights weights) {
        super(requireNeoX(config), weights);
    }

    private static ModelConfig requireNeoX(ModelConfig c) {
        if (!c.isGptNeoX()) {
            throw new IllegalArgumentException("not a GPT-NeoX config: " + c.architecture());
        }
        return c;
    }

    public static String layer(int i) {
        return Architecture.GPT_NEOX.layer(i);
    }

    /** HF tensor names and shapes of a GPT-NeoX checkpoint with this config (plus the toy extras when on). */
    public static Map<String, long[]> shapes(ModelConfig c) {
        return TensorLayout.shapes(requireNeoX(c));
    }
}
