package dev.modehop.scorer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * Everything about a checkpoint that changes its logits: the family, the sizes, and the switches HF's
 * {@code config.json} sets (read by {@link ConfigReader}, written back by {@link #toJson}).
 *
 * <p>Two extras exist only for the toy run's GPT-NeoX model and never appear in real checkpoints:
 * {@code prevTokenEmbedding} ({@code "modehop_prev_token_embedding"}: tensor {@code gpt_neox.embed_prev.weight},
 * the embedding of token t-1 added at position t, {@code bosTokenId} standing in before position 0) and
 * {@code learnedPositions} ({@code "modehop_learned_positions"}: tensor {@code gpt_neox.embed_pos.weight},
 * [maxPositions, hidden]).
 *
 * @param family          the block description
 * @param headDim         hidden / heads unless config.json says otherwise ({@code head_dim})
 * @param rotaryPct       share of each head's dimensions that rotary embedding turns (0 = no rotary)
 * @param attentionBias   biases on the q, k and v projections
 * @param outputBias      a bias on the attention output projection
 * @param hiddenAct       {@code gelu} (exact), {@code gelu_new}/{@code gelu_fast}/{@code gelu_pytorch_tanh} (tanh
 *                        form), {@code silu}, {@code relu}, {@code xielu} (Apertus, learned per layer)
 * @param clipQkv         OLMo's {@code clip_qkv}: q, k and v clamped to [-c, c]; 0 = off
 * @param slidingWindow   keys a query may see, itself included, on sliding layers; 0 = none
 * @param slidingLayers   per layer, whether it uses the sliding window (empty: none does)
 * @param storedDtype     {@code dtype}/{@code torch_dtype} of the saved weights ({@code float32} when absent)
 * @param raw             the config.json this was read from, or null
 */
public record ModelConfig(
        Architecture family,
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
        Rope rope,
        boolean parallelResidual,
        boolean tiedEmbeddings,
        boolean attentionBias,
        boolean outputBias,
        boolean mlpBias,
        String hiddenAct,
        double clipQkv,
        int slidingWindow,
        List<Boolean> slidingLayers,
        String storedDtype,
        int bosTokenId,
        boolean prevTokenEmbedding,
        boolean learnedPositions,
        JsonNode raw) {

    public static final String GPT_NEOX = Architecture.GPT_NEOX.hfClass();
    public static final String LLAMA = Architecture.LLAMA.hfClass();

    /** The {@code hidden_act} values the block implements (HF's ACT2FN names). */
    public static final java.util.Set<String> ACTIVATIONS = java.util.Set.of("gelu", "gelu_new", "gelu_fast",
            "gelu_pytorch_tanh", "silu", "swish", "relu", "xielu");

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelConfig {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(hiddenAct, "hiddenAct");
        Objects.requireNonNull(rope, "rope");
        slidingLayers = List.copyOf(slidingLayers);
        if (!ACTIVATIONS.contains(hiddenAct)) {
            throw new IllegalArgumentException("hidden_act '" + hiddenAct + "' is not implemented " + ACTIVATIONS);
        }
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
        if (rotaryPct > 0 && (int) (headDim * rotaryPct) % 2 != 0) {
            throw new IllegalArgumentException("rotary dimensions head_dim * rotary_pct = " + headDim * rotaryPct
                    + " must be even");
        }
        if (learnedPositions && maxPositions <= 0) {
            throw new IllegalArgumentException("learned positions need max_position_embeddings > 0");
        }
        if (!slidingLayers.isEmpty() && slidingLayers.size() != numLayers) {
            throw new IllegalArgumentException("layer_types has " + slidingLayers.size() + " entries for "
                    + numLayers + " layers");
        }
        if (slidingLayers.contains(true) && slidingWindow <= 0) {
            throw new IllegalArgumentException("sliding_attention layers need sliding_window > 0, not " + slidingWindow);
        }
        if (family.fusedQkv() && numKeyValueHeads != numHeads) {
            throw new IllegalArgumentException("GPT-NeoX has as many key/value heads as heads");
        }
        if ((prevTokenEmbedding || learnedPositions) && family != Architecture.GPT_NEOX) {
            throw new IllegalArgumentException("the toy extras exist for GPT-NeoX only");
        }
    }

    /** A GPT-NeoX (Pythia) shape with HF's defaults: parallel residual, exact GELU, biases. */
    public static ModelConfig gptNeoX(int vocab, int hidden, int layers, int heads, int intermediate,
                                      int maxPositions, double rotaryPct) {
        return new Builder(Architecture.GPT_NEOX, vocab, hidden, layers, heads, intermediate).maxPositions(maxPositions)
                .normEps(1e-5).rotaryPct(rotaryPct).parallelResidual(true).attentionBias(true).outputBias(true)
                .mlpBias(true).hiddenAct("gelu").bosTokenId(0).build();
    }

    /** A LLaMA shape: RMSNorm, SwiGLU, full rotary, no biases, untied unless {@code tied}. */
    public static ModelConfig llama(int vocab, int hidden, int layers, int heads, int kvHeads, int intermediate,
                                    int maxPositions, boolean tied) {
        return new Builder(Architecture.LLAMA, vocab, hidden, layers, heads, intermediate).keyValueHeads(kvHeads)
                .maxPositions(maxPositions).tied(tied).bosTokenId(1).build();
    }

    /** The HF class name, e.g. {@code LlamaForCausalLM}. */
    public String architecture() {
        return family.hfClass();
    }

    public double rotaryBase() {
        return rope.base();
    }

    /** Dimensions of each head that rotary embedding turns (as HF computes it). */
    public int rotaryDims() {
        return (int) (headDim * rotaryPct);
    }

    public boolean isGptNeoX() {
        return family == Architecture.GPT_NEOX;
    }

    public boolean isLlama() {
        return family == Architecture.LLAMA;
    }

    /** Whether layer {@code i} attends through the sliding window. */
    public boolean sliding(int i) {
        return !slidingLayers.isEmpty() && slidingLayers.get(i);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Reads an HF config.json tree (transformers 4.x or 5.x layout). Throws {@link IllegalArgumentException}
     * naming the key for an unknown architecture, a missing size or a key whose value would change the math in
     * a way not implemented; the loader wraps it with the file name.
     */
    public static ModelConfig fromJson(JsonNode node) {
        return ConfigReader.read(node);
    }

    /** The config.json HF transformers 4.x would write for this model (plus the modehop extras when set). */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add(architecture());
        n.put("model_type", family.modelType());
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
            n.put("rotary_emb_base", rope.base());
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
            if (family != Architecture.OLMO) {
                n.put("rms_norm_eps", normEps);
            }
            n.put("rope_theta", rope.base());
            if (family != Architecture.QWEN2 && family != Architecture.MISTRAL) {
                n.put("attention_bias", attentionBias);
            }
            if (family == Architecture.LLAMA) {
                n.put("mlp_bias", mlpBias);
            }
            if (family == Architecture.OLMO && clipQkv > 0) {
                n.put("clip_qkv", clipQkv);
            }
            if (slidingWindow > 0) {
                n.put("sliding_window", slidingWindow);
            }
            if (!slidingLayers.isEmpty()) {
                ArrayNode types = n.putArray("layer_types");
                slidingLayers.forEach(s -> types.add(s ? "sliding_attention" : "full_attention"));
            }
        }
        if (!rope.type().equals(Rope.DEFAULT)) {
            ObjectNode s = n.putObject("rope_scaling");
            s.put("rope_type", rope.type());
            s.put("factor", rope.factor());
            if (rope.type().equals(Rope.LLAMA3)) {
                s.put("low_freq_factor", rope.lowFreqFactor());
                s.put("high_freq_factor", rope.highFreqFactor());
                s.put("original_max_position_embeddings", rope.originalMaxPositions());
            }
        }
        return n;
    }

    private static void positive(String field, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(field + " must be positive: " + v);
        }
    }

    /** Mutable form for readers and tests; defaults are LLaMA's (no biases, untied, SwiGLU, full rotary). */
    public static final class Builder {
        private Architecture family;
        private int vocab;
        private int hidden;
        private int layers;
        private int heads;
        private int kvHeads;
        private int headDim;
        private int intermediate;
        private int maxPositions;
        private double normEps = 1e-6;
        private double rotaryPct = 1.0;
        private Rope rope = Rope.plain(10000);
        private boolean parallelResidual;
        private boolean tied;
        private boolean attentionBias;
        private boolean outputBias;
        private boolean mlpBias;
        private String hiddenAct = "silu";
        private double clipQkv;
        private int slidingWindow;
        private List<Boolean> slidingLayers = List.of();
        private String storedDtype = "float32";
        private int bosTokenId;
        private boolean prevTokenEmbedding;
        private boolean learnedPositions;
        private JsonNode raw;

        public Builder(Architecture family, int vocab, int hidden, int layers, int heads, int intermediate) {
            this.family = family;
            this.vocab = vocab;
            this.hidden = hidden;
            this.layers = layers;
            this.heads = heads;
            this.kvHeads = heads;
            this.headDim = heads > 0 ? hidden / heads : 0;
            this.intermediate = intermediate;
        }

        private Builder(ModelConfig c) {
            this(c.family, c.vocabSize, c.hiddenSize, c.numLayers, c.numHeads, c.intermediateSize);
            kvHeads = c.numKeyValueHeads;
            headDim = c.headDim;
            maxPositions = c.maxPositions;
            normEps = c.normEps;
            rotaryPct = c.rotaryPct;
            rope = c.rope;
            parallelResidual = c.parallelResidual;
            tied = c.tiedEmbeddings;
            attentionBias = c.attentionBias;
            outputBias = c.outputBias;
            mlpBias = c.mlpBias;
            hiddenAct = c.hiddenAct;
            clipQkv = c.clipQkv;
            slidingWindow = c.slidingWindow;
            slidingLayers = c.slidingLayers;
            storedDtype = c.storedDtype;
            bosTokenId = c.bosTokenId;
            prevTokenEmbedding = c.prevTokenEmbedding;
            learnedPositions = c.learnedPositions;
            raw = c.raw;
        }

        public Builder keyValueHeads(int v) { kvHeads = v; return this; }
        public Builder headDim(int v) { headDim = v; return this; }
        public Builder maxPositions(int v) { maxPositions = v; return this; }
        public Builder normEps(double v) { normEps = v; return this; }
        public Builder rotaryPct(double v) { rotaryPct = v; return this; }
        public Builder rope(Rope v) { rope = v; return this; }
        public Builder parallelResidual(boolean v) { parallelResidual = v; return this; }
        public Builder tied(boolean v) { tied = v; return this; }
        public Builder attentionBias(boolean v) { attentionBias = v; return this; }
        public Builder outputBias(boolean v) { outputBias = v; return this; }
        public Builder mlpBias(boolean v) { mlpBias = v; return this; }
        public Builder hiddenAct(String v) { hiddenAct = v; return this; }
        public Builder clipQkv(double v) { clipQkv = v; return this; }
        public Builder slidingWindow(int v) { slidingWindow = v; return this; }
        public Builder slidingLayers(List<Boolean> v) { slidingLayers = v; return this; }
        public Builder storedDtype(String v) { storedDtype = v; return this; }
        public Builder bosTokenId(int v) { bosTokenId = v; return this; }
        public Builder prevTokenEmbedding(boolean v) { prevTokenEmbedding = v; return this; }
        public Builder learnedPositions(boolean v) { learnedPositions = v; return this; }
        public Builder raw(JsonNode v) { raw = v; return this; }

        public ModelConfig build() {
            return new ModelConfig(family, vocab, hidden, layers, heads, kvHeads, headDim, intermediate, maxPositions,
                    normEps, rotaryPct, rope, parallelResidual, tied, attentionBias, outputBias, mlpBias, hiddenAct,
                    clipQkv, slidingWindow, slidingLayers, storedDtype, bosTokenId, prevTokenEmbedding,
                    learnedPositions, raw);
        }
    }
}
