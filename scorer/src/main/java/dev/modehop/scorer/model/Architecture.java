package dev.modehop.scorer.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The decoder families the scorer runs, each as a short description of how its block differs from the
 * others: which norm, where it sits, whether q and k are normalized, whether the MLP is gated, and how HF
 * names the tensors. {@link DecoderModel} runs every family through the same block code; the sizes and
 * switches of one checkpoint (biases, rotary, sliding window, ...) live in {@link ModelConfig}.
 */
public enum Architecture {
    /** Pythia: LayerNorm with bias, fused per-head q/k/v, partial rotary, parallel or sequential residual. */
    GPT_NEOX("GPTNeoXForCausalLM", "gpt_neox", Norm.LAYER_NORM, false, "input_layernorm", "post_attention_layernorm",
            QkNorm.NONE, false),
    LLAMA("LlamaForCausalLM", "llama", Norm.RMS, false, "input_layernorm", "post_attention_layernorm", QkNorm.NONE, true),
    /** LLaMA's block with a sliding window on every layer. */
    MISTRAL("MistralForCausalLM", "mistral", Norm.RMS, false, "input_layernorm", "post_attention_layernorm",
            QkNorm.NONE, true),
    /** LLaMA's block with q/k/v biases (none on the output projection). */
    QWEN2("Qwen2ForCausalLM", "qwen2", Norm.RMS, false, "input_layernorm", "post_attention_layernorm", QkNorm.NONE,
            true),
    /** LLaMA's block with an RMSNorm over each head of q and k, before rotary. */
    QWEN3("Qwen3ForCausalLM", "qwen3", Norm.RMS, false, "input_layernorm", "post_attention_layernorm",
            QkNorm.PER_HEAD, true),
    /** LLaMA's block with (1 + w) RMSNorm, GeGLU and embeddings scaled by sqrt(hidden). */
    GEMMA("GemmaForCausalLM", "gemma", Norm.RMS_ONE_PLUS_WEIGHT, false, "input_layernorm", "post_attention_layernorm",
            QkNorm.NONE, true),
    /** LLaMA's block with LayerNorm that has no weight or bias, and optional clipping of q, k and v. */
    OLMO("OlmoForCausalLM", "olmo", Norm.PLAIN_LAYER_NORM, false, "input_layernorm", "post_attention_layernorm",
            QkNorm.NONE, true),
    /** Norms on the outputs of attention and MLP (inside the residual), RMSNorm over all of q and all of k. */
    OLMO2("Olmo2ForCausalLM", "olmo2", Norm.RMS, true, "post_attention_layernorm", "post_feedforward_layernorm",
            QkNorm.WHOLE, true),
    /** OLMo-2's block with sliding-window attention on the layers {@code layer_types} names. */
    OLMO3("Olmo3ForCausalLM", "olmo3", Norm.RMS, true, "post_attention_layernorm", "post_feedforward_layernorm",
            QkNorm.WHOLE, true),
    /** Pre-norm RMSNorm under other names, per-head q/k RMSNorm, an ungated MLP with the xIELU activation. */
    APERTUS("ApertusForCausalLM", "apertus", Norm.RMS, false, "attention_layernorm", "feedforward_layernorm",
            QkNorm.PER_HEAD, false);

    /** How a block normalizes. */
    public enum Norm {
        /** (x - mean) / std * w + b. */
        LAYER_NORM,
        /** (x - mean) / std, nothing learned (OLMo v1: eps fixed at 1e-5). */
        PLAIN_LAYER_NORM,
        /** x / rms(x) * w, in float32. */
        RMS,
        /** x / rms(x) * (1 + w), in float32 (Gemma stores w around 0). */
        RMS_ONE_PLUS_WEIGHT
    }

    /** Normalization of queries and keys after their projections. */
    public enum QkNorm {
        NONE,
        /** One RMSNorm of head_dim, shared by the heads (Qwen3, Apertus). */
        PER_HEAD,
        /** One RMSNorm over the whole projection, heads * head_dim (OLMo-2, OLMo-3). */
        WHOLE
    }

    private final String hfClass;
    private final String modelType;
    private final Norm norm;
    private final boolean postNorm;
    private final String attentionNorm;
    private final String mlpNorm;
    private final QkNorm qkNorm;
    private final boolean gatedMlp;

    Architecture(String hfClass, String modelType, Norm norm, boolean postNorm, String attentionNorm, String mlpNorm,
                 QkNorm qkNorm, boolean gatedMlp) {
        this.hfClass = hfClass;
        this.modelType = modelType;
        this.norm = norm;
        this.postNorm = postNorm;
        this.attentionNorm = attentionNorm;
        this.mlpNorm = mlpNorm;
        this.qkNorm = qkNorm;
        this.gatedMlp = gatedMlp;
    }

    /** The family of an HF {@code architectures[0]} class name, or of {@code model_type} when that is absent. */
    public static Architecture of(String hfClass, String modelType) {
        for (Architecture a : values()) {
            if (hfClass.isEmpty() ? a.modelType.equals(modelType) : a.hfClass.equals(hfClass)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + (hfClass.isEmpty() ? modelType : hfClass)
                + "' (supported: " + Arrays.stream(values()).map(Architecture::hfClass)
                .collect(Collectors.joining(", ")) + ")");
    }

    public String hfClass() {
        return hfClass;
    }

    public String modelType() {
        return modelType;
    }

    public Norm norm() {
        return norm;
    }

    /** Norms applied to the attention and MLP outputs before the residual add, instead of to their inputs. */
    public boolean postNorm() {
        return postNorm;
    }

    public QkNorm qkNorm() {
        return qkNorm;
    }

    /** {@code down(act(gate(x)) * up(x))}; otherwise {@code down(act(up(x)))}. */
    public boolean gatedMlp() {
        return gatedMlp;
    }

    /** Gemma multiplies the token embeddings by sqrt(hidden_size). */
    public boolean scaledEmbedding() {
        return this == GEMMA;
    }

    /** GPT-NeoX keeps q, k and v in one per-head interleaved projection. */
    public boolean fusedQkv() {
        return this == GPT_NEOX;
    }

    public boolean hasNormWeights() {
        return norm != Norm.PLAIN_LAYER_NORM;
    }

    // HF tensor names

    public String embedding() {
        return this == GPT_NEOX ? "gpt_neox.embed_in.weight" : "model.embed_tokens.weight";
    }

    /** The final norm's prefix; {@code weight} (and {@code bias} for LayerNorm) follow. */
    public String finalNorm() {
        return this == GPT_NEOX ? "gpt_neox.final_layer_norm." : "model.norm.";
    }

    public String head() {
        return this == GPT_NEOX ? "embed_out.weight" : "lm_head.weight";
    }

    public String layer(int i) {
        return (this == GPT_NEOX ? "gpt_neox.layers." : "model.layers.") + i + ".";
    }

    /** Prefix of the norm before (or, with {@link #postNorm}, after) attention. */
    public String attentionNorm() {
        return attentionNorm + ".";
    }

    /** Prefix of the norm before (or after) the MLP. */
    public String mlpNorm() {
        return mlpNorm + ".";
    }

    public String query() {
        return "self_attn.q_proj.";
    }

    public String key() {
        return "self_attn.k_proj.";
    }

    public String value() {
        return "self_attn.v_proj.";
    }

    public String fusedQueryKeyValue() {
        return "attention.query_key_value.";
    }

    public String output() {
        return this == GPT_NEOX ? "attention.dense." : "self_attn.o_proj.";
    }

    public String gate() {
        return "mlp.gate_proj.";
    }

    public String up() {
        return this == GPT_NEOX ? "mlp.dense_h_to_4h." : "mlp.up_proj.";
    }

    public String down() {
        return this == GPT_NEOX ? "mlp.dense_4h_to_h." : "mlp.down_proj.";
    }

    public String queryNorm() {
        return "self_attn.q_norm.weight";
    }

    public String keyNorm() {
        return "self_attn.k_norm.weight";
    }

    /** xIELU's learned parameters and buffers, per layer: alpha_p, alpha_n, beta, eps. */
    public String xielu(String parameter) {
        return "mlp.act_fn." + parameter;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
