package dev.modehop.scorer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * The architecture and sizes of a checkpoint, read from (and written to) an HF {@code config.json}.
 *
 * <p>One record serves both families; fields a family does not use keep their defaults. Two extras exist
 * only for the toy run's model and never appear in real checkpoints: {@code prevTokenEmbedding}
 * ({@code "modehop_prev_token_embedding"}: tensor {@code gpt_neox.embed_prev.weight}, the embedding of
 * token t-1 added at position t, {@code bosTokenId} standing in before position 0) and
 * {@code learnedPositions} ({@code "modehop_learned_positions"}: tensor {@code gpt_neox.embed_pos.weight},
 * [maxPositions, hidden]).
 *
 * @param architecture   {@link #GPT_NEOX} or {@link #LLAMA}
 * @param headDim        hidden / heads unless config.json says otherwise (LLaMA's {@code head_dim})
 * @param rotaryPct      share of each head's dimensions that rotary embedding turns (1 for LLaMA, 0 = off)
 * @param hiddenAct      {@code gelu} (exact), {@code gelu_new}/{@code gelu_fast} (tanh form), {@code silu}
 * @param raw            the config.json this was read from (extras such as {@code torch_dtype} live there)
 */
public record ModelConfig(
        String architecture,
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int numKeyValueHeads,
        int headDim,
        int intermediateSize,
        int maxPositions,
        double normEps,
        double rotaryPct,
        double rotaryBase,
        boolean parallelResidual,
        boolean tiedEmbeddings,
        boolean attentionBias,
        boolean mlpBias,
        String hiddenAct,
        int bosTokenId,
        boolean prevTokenEmbedding,
        boolean learnedPositions,
        JsonNode raw) {

    public static final String GPT_NEOX = "GPTNeoXForCausalLM";
    public static final String LLAMA = "LlamaForCausalLM";

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelConfig {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(hiddenAct, "hiddenAct");
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numHeads);
        positive("num_key_value_heads", numKeyValueHeads);
        positive("head_dim", headDim);
        positive("intermediate_size", intermediateSize);
        if (numHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numHeads
                    + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
        }
        if (rotaryPct < 0 || rotaryPct > 1) {
            throw new IllegalArgumentException("rotary_pct must be in [0, 1]: " + rotaryPct);
        }
        if (learnedPositions && maxPositions <= 0) {
            throw new IllegalArgumentException("learned positions need max_position_embeddings > 0");
        }
    }

    /** A GPT-NeoX (Pythia) shape with HF's defaults: parallel residual, rotary on 25%, exact GELU, biases. */
    public static ModelConfig gptNeoX(int vocab, int hidden, int layers, int heads, int intermediate,
                                      int maxPositions, double rotaryPct) {
        return new ModelConfig(GPT_NEOX, vocab, hidden, layers, heads, heads, hidden / heads, intermediate,
                maxPositions, 1e-5, rotaryPct, 10000, true, false, true, true, "gelu", 0, false, false, null);
    }

    /** A LLaMA shape: RMSNorm, SwiGLU, full rotary, no biases, untied unless {@code tied}. */
    public static ModelConfig llama(int vocab, int hidden, int layers, int heads, int kvHeads, int intermediate,
                                    int maxPositions, boolean tied) {
        return new ModelConfig(LLAMA, vocab, hidden, layers, heads, kvHeads, hidden / heads, intermediate,
                maxPositions, 1e-6, 1.0, 10000, false, tied, false, false, "silu", 1, false, false, null);
    }

    /** Dimensions of each head that rotary embedding turns (even, as HF computes it). */
    public int rotaryDims() {
        return (int) (headDim * rotaryPct);
    }

    public boolean isGptNeoX() {
        return GPT_NEOX.equals(architecture);
    }

    public boolean isLlama() {
        return LLAMA.equals(architecture);
    }

    public ModelConfig withPrevTokenEmbedding(boolean on) {
        return new ModelConfig(architecture, vocabSize, hiddenSize, numLayers, numHeads, numKeyValueHeads, headDim,
                intermediateSize, maxPositions, normEps, rotaryPct, rotaryBase, parallelResidual, tiedEmbeddings,
                attentionBias, mlpBias, hiddenAct, bosTokenId, on, learnedPositions, raw);
    }

    public ModelConfig withLearnedPositions(boolean on) {
        return new ModelConfig(architecture, vocabSize, hiddenSize, numLayers, numHeads, numKeyValueHeads, headDim,
                intermediateSize, maxPositions, normEps, rotaryPct, rotaryBase, parallelResidual, tiedEmbeddings,
                attentionBias, mlpBias, hiddenAct, bosTokenId, prevTokenEmbedding, on, raw);
    }

    public ModelConfig withParallelResidual(boolean on) {
        return new ModelConfig(architecture, vocabSize, hiddenSize, numLayers, numHeads, numKeyValueHeads, headDim,
                intermediateSize, maxPositions, normEps, rotaryPct, rotaryBase, on, tiedEmbeddings,
                attentionBias, mlpBias, hiddenAct, bosTokenId, prevTokenEmbedding, learnedPositions, raw);
    }

    public ModelConfig withBosTokenId(int id) {
        return new ModelConfig(architecture, vocabSize, hiddenSize, numLayers, numHeads, numKeyValueHeads, headDim,
                intermediateSize, maxPositions, normEps, rotaryPct, rotaryBase, parallelResidual, tiedEmbeddings,
                attentionBias, mlpBias, hiddenAct, id, prevTokenEmbedding, learnedPositions, raw);
    }

    /**
     * Reads an HF config.json tree. Throws {@link IllegalArgumentException} naming the field for an unknown
     * architecture or a missing size; the loader wraps it with the file name.
     */
    public static ModelConfig fromJson(JsonNode node) {
        String arch = architectureOf(node);
        int hidden = required(node, "hidden_size");
        int heads = required(node, "num_attention_heads");
        int layers = required(node, "num_hidden_layers");
        int vocab = required(node, "vocab_size");
        int intermediate = required(node, "intermediate_size");
        int maxPos = node.path("max_position_embeddings").asInt(0);
        if (GPT_NEOX.equals(arch)) {
            return new ModelConfig(arch, vocab, hidden, layers, heads, heads, hidden / heads, intermediate, maxPos,
                    node.path("layer_norm_eps").asDouble(1e-5),
                    node.path("rotary_pct").asDouble(1.0),
                    node.path("rotary_emb_base").asDouble(node.path("rope_theta").asDouble(10000)),
                    node.path("use_parallel_residual").asBoolean(true),
                    node.path("tie_word_embeddings").asBoolean(false),
                    node.path("attention_bias").asBoolean(true),
                    true,
                    node.path("hidden_act").asText("gelu"),
                    node.path("bos_token_id").asInt(0),
                    node.path("modehop_prev_token_embedding").asBoolean(false),
                    node.path("modehop_learned_positions").asBoolean(false),
                    node);
        }
        JsonNode scaling = node.path("rope_scaling");
        if (!scaling.isMissingNode() && !scaling.isNull()) {
            throw new IllegalArgumentException("rope_scaling " + scaling + " is not supported yet");
        }
        int kvHeads = node.path("num_key_value_heads").asInt(heads);
        int headDim = node.hasNonNull("head_dim") ? node.get("head_dim").asInt() : hidden / heads;
        return new ModelConfig(arch, vocab, hidden, layers, heads, kvHeads, headDim, intermediate, maxPos,
                node.path("rms_norm_eps").asDouble(1e-6),
                1.0,
                node.path("rope_theta").asDouble(10000),
                false,
                node.path("tie_word_embeddings").asBoolean(false),
                node.path("attention_bias").asBoolean(false),
                node.path("mlp_bias").asBoolean(false),
                node.path("hidden_act").asText("silu"),
                node.path("bos_token_id").asInt(1),
                false,
                false,
                node);
    }

    /** The config.json HF transformers would write for this model (plus the modehop extras when set). */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add(architecture);
        n.put("model_type", isGptNeoX() ? "gpt_neox" : "llama");
        n.put("vocab_size", vocabSize);
        n.put("hidden_size", hiddenSize);
        n.put("num_hidden_layers", numLayers);
        n.put("num_attention_heads", numHeads);
        n.put("intermediate_size", intermediateSize);
        n.put("max_position_embeddings", maxPositions);
        n.put("hidden_act", hiddenAct);
        n.put("tie_word_embeddings", tiedEmbeddings);
        n.put("bos_token_id", bosTokenId);
        n.put("torch_dtype", "float32");
        if (isGptNeoX()) {
            n.put("layer_norm_eps", normEps);
            n.put("rotary_pct", rotaryPct);
            n.put("rotary_emb_base", rotaryBase);
            n.put("use_parallel_residual", parallelResidual);
            n.put("attention_bias", attentionBias);
            if (prevTokenEmbedding) {
                n.put("modehop_prev_token_embedding", true);
            }
            if (learnedPositions) {
                n.put("modehop_learned_positions", true);
            }
        } else {
            n.put("num_key_value_heads", numKeyValueHeads);
            n.put("head_dim", headDim);
            n.put("rms_norm_eps", normEps);
            n.put("rope_theta", rotaryBase);
            n.put("attention_bias", attentionBias);
            n.put("mlp_bias", mlpBias);
        }
        return n;
    }

    private static String architectureOf(JsonNode node) {
        JsonNode archs = node.path("architectures");
        String modelType = node.path("model_type").asText("");
        String arch = archs.isArray() && archs.size() > 0 ? archs.get(0).asText() : "";
        if (GPT_NEOX.equals(arch) || (arch.isEmpty() && "gpt_neox".equals(modelType))) {
            return GPT_NEOX;
        }
        if (LLAMA.equals(arch) || (arch.isEmpty() && "llama".equals(modelType))) {
            return LLAMA;
        }
        throw new IllegalArgumentException("unknown architecture '" + (arch.isEmpty() ? modelType : arch)
                + "' (supported: " + GPT_NEOX + ", " + LLAMA + ")");
    }

    private static int required(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new IllegalArgumentException("missing or non-integer '" + field + "'");
        }
        return v.asInt();
    }

    private static void positive(String field, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(field + " must be positive: " + v);
        }
    }
}
