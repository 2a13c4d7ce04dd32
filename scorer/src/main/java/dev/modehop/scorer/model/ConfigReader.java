package dev.modehop.scorer.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an HF {@code config.json} as transformers 4.x or 5.x writes it into a {@link ModelConfig}, never
 * silently wrong: every key is either read (and its value implemented, or refused naming key and value) or on
 * {@link #IGNORED}, the keys that cannot change the logits of a model in eval mode. Any other key is refused,
 * so a key a future transformers adds stops the load instead of being ignored. Absent keys take the value
 * HF's config class for that architecture defaults to (GPT-NeoX's {@code rotary_pct} 0.25, Gemma's tied
 * embeddings and head_dim 256, Mistral's sliding window 4096, ...).
 *
 * <p>The two layouts differ in where rotary settings live: 4.x writes {@code rope_theta}, {@code rope_scaling}
 * (and GPT-NeoX's {@code rotary_pct}, {@code rotary_emb_base}) at the top level; 5.x moves them into one
 * {@code rope_parameters} block ({@code rope_theta}, {@code rope_type}, {@code partial_rotary_factor}, the
 * scaling keys). Both are read; where both give a value they must agree.
 */
public final class ConfigReader {

    /** Keys that do not change the logits, with why. */
    public static final Map<String, String> IGNORED = Map.ofEntries(
            Map.entry("transformers_version", "which library wrote the file"),
            Map.entry("_name_or_path", "where the model came from"),
            Map.entry("use_cache", "generation-time key/value caching; same logits"),
            Map.entry("initializer_range", "only used to initialize fresh weights"),
            Map.entry("attention_dropout", "dropout is off in eval mode"),
            Map.entry("hidden_dropout", "dropout is off in eval mode"),
            Map.entry("classifier_dropout", "dropout is off in eval mode; no classifier head here"),
            Map.entry("attention_probs_dropout_prob", "dropout is off in eval mode"),
            Map.entry("hidden_dropout_prob", "dropout is off in eval mode"),
            Map.entry("embd_pdrop", "dropout is off in eval mode"),
            Map.entry("resid_pdrop", "dropout is off in eval mode"),
            Map.entry("is_decoder", "an encoder-decoder flag; causal LMs are always decoders"),
            Map.entry("eos_token_id", "generation stopping; no effect on logits"),
            Map.entry("pad_token_id", "padding id; HF only zeroes its embedding at initialization"),
            Map.entry("output_attentions", "what HF returns besides logits"),
            Map.entry("output_hidden_states", "what HF returns besides logits"),
            Map.entry("return_dict", "what HF returns besides logits"),
            Map.entry("tokenizer_class", "the tokenizer is read from tokenizer.json"),
            Map.entry("pretraining_tp", "LLaMA's tensor-parallel degree at pretraining: the sliced matmuls it"
                    + " selected are the same product"),
            Map.entry("id2label", "labels of a classification head, not the LM head"),
            Map.entry("label2id", "labels of a classification head, not the LM head"));

    private ConfigReader() {
    }

    public static ModelConfig read(JsonNode node) {
        Keys keys = new Keys(node);
        ModelConfig config = read(keys);
        keys.refuseUnread(config.family());
        return config;
    }

    /** The keys of {@code node} the reader consults (for the coverage test); fails like {@link #read}. */
    public static Set<String> readKeys(JsonNode node) {
        Keys keys = new Keys(node);
        read(keys);
        return keys.read;
    }

    private static ModelConfig read(Keys k) {
        String modelType = k.text("model_type", "");
        Architecture family = Architecture.of(architectureClass(k), modelType);
        // AutoModelForCausalLM picks the model class from model_type; architectures only names it
        if (!modelType.isEmpty() && !family.modelType().equals(modelType)) {
            throw new IllegalArgumentException("model_type '" + modelType + "' does not match architectures "
                    + family.hfClass());
        }
        int heads = k.requiredInt("num_attention_heads");
        ModelConfig.Builder b = new ModelConfig.Builder(family, k.requiredInt("vocab_size"), k.requiredInt("hidden_size"),
                k.requiredInt("num_hidden_layers"), heads, k.requiredInt("intermediate_size"));
        int layers = k.requiredInt("num_hidden_layers");
        int hidden = k.requiredInt("hidden_size");
        int maxPositions = k.integer("max_position_embeddings", 0);
        b.maxPositions(maxPositions).raw(k.node);
        String dtype = k.text("dtype", null);
        String torchDtype = k.text("torch_dtype", null);
        b.storedDtype(dtype != null ? dtype : torchDtype != null ? torchDtype : "float32");
        b.tied(k.bool("tie_word_embeddings", family == Architecture.GEMMA));
        b.bosTokenId(k.integer("bos_token_id", family == Architecture.GPT_NEOX ? 0 : 1));
        JsonNode ropeParameters = k.object("rope_parameters");
        if (family == Architecture.GPT_NEOX) {
            b.normEps(k.number("layer_norm_eps", 1e-5));
            b.rotaryPct(agreeing(0.25, new Source("rotary_pct", k.optionalNumber("rotary_pct")),
                    new Source("partial_rotary_factor", k.optionalNumber("partial_rotary_factor")),
                    new Source("rope_parameters.partial_rotary_factor", number(ropeParameters, "partial_rotary_factor"))));
            double base = agreeing(10000, new Source("rotary_emb_base", k.optionalNumber("rotary_emb_base")),
                    new Source("rope_theta", k.optionalNumber("rope_theta")),
                    new Source("rope_parameters.rope_theta", number(ropeParameters, "rope_theta")));
            b.rope(rope(k, ropeParameters, base, maxPositions, null));
            b.parallelResidual(k.bool("use_parallel_residual", true));
            boolean bias = k.bool("attention_bias", true);
            b.attentionBias(bias).outputBias(bias).mlpBias(true);
            b.hiddenAct(k.text("hidden_act", "gelu"));
            b.prevTokenEmbedding(k.bool("modehop_prev_token_embedding", false));
            b.learnedPositions(k.bool("modehop_learned_positions", false));
            return b.build();
        }
        b.keyValueHeads(k.integer("num_key_value_heads", switch (family) {
            case MISTRAL -> 8;
            case QWEN2, QWEN3 -> 32;
            case GEMMA -> 16;
            default -> heads;
        }));
        int defaultHeadDim = switch (family) {
            case GEMMA -> 256;
            case QWEN3 -> 128;
            default -> hidden / heads;
        };
        // absent: the config class's default; null: HF falls back to hidden / heads
        b.headDim(k.node.has("head_dim") ? k.integer("head_dim", hidden / heads) : defaultHeadDim);
        k.get("head_dim");
        if (family == Architecture.OLMO) {
            b.normEps(1e-5);
            double clip = k.optionalNumber("clip_qkv") == null ? 0 : k.optionalNumber("clip_qkv");
            if (clip < 0) {
                throw new IllegalArgumentException("clip_qkv must be positive or null: " + clip);
            }
            b.clipQkv(clip);
        } else {
            b.normEps(k.number("rms_norm_eps", switch (family) {
                case OLMO2, OLMO3, APERTUS -> 1e-5;
                default -> 1e-6;
            }));
        }
        double partial = agreeing(1.0, new Source("partial_rotary_factor", k.optionalNumber("partial_rotary_factor")),
                new Source("rope_parameters.partial_rotary_factor", number(ropeParameters, "partial_rotary_factor")));
        if (partial != 1.0) {
            throw new IllegalArgumentException("partial_rotary_factor " + partial + " is not implemented for "
                    + family.hfClass());
        }
        double defaultTheta = family == Architecture.APERTUS ? 12_000_000.0 : 10000;
        double theta = agreeing(defaultTheta, new Source("rope_theta", k.optionalNumber("rope_theta")),
                new Source("rope_parameters.rope_theta", number(ropeParameters, "rope_theta")));
        Rope apertusDefault = family == Architecture.APERTUS
                ? new Rope(Rope.LLAMA3, theta, 8.0, 1.0, 4.0, 8192) : null;
        b.rope(rope(k, ropeParameters, theta, maxPositions, apertusDefault));
        switch (family) {
            case QWEN2 -> b.attentionBias(true).outputBias(false);
            case MISTRAL -> b.attentionBias(false).outputBias(false);
            default -> {
                boolean bias = k.bool("attention_bias", false);
                b.attentionBias(bias).outputBias(bias);
            }
        }
        if (family == Architecture.LLAMA) {
            b.mlpBias(k.bool("mlp_bias", false));
        }
        b.hiddenAct(activation(k, family));
        sliding(k, family, layers, b);
        return b.build();
    }

    private static String activation(Keys k, Architecture family) {
        String act = k.text("hidden_act", switch (family) {
            case GEMMA -> "gelu_pytorch_tanh";
            case APERTUS -> "xielu";
            default -> "silu";
        });
        if (family == Architecture.GEMMA) {
            // transformers versions differ on which of the two Gemma's MLP reads; only agreeing ones are safe
            String alt = k.text("hidden_activation", null);
            if (alt != null && !alt.equals(act)) {
                throw new IllegalArgumentException("hidden_activation '" + alt + "' and hidden_act '" + act
                        + "' disagree: transformers versions use different ones for Gemma");
            }
        }
        if (act.equals("xielu") != (family == Architecture.APERTUS)) {
            throw new IllegalArgumentException("hidden_act '" + act + "' is not implemented for " + family.hfClass());
        }
        return act;
    }

    /** Which layers use a sliding window, as each family's config class derives it. */
    private static void sliding(Keys k, Architecture family, int layers, ModelConfig.Builder b) {
        List<Boolean> types = layerTypes(k, layers);
        int window;
        switch (family) {
            case MISTRAL -> {
                window = k.nullOr("sliding_window", 4096);
                // Mistral's config class has no layer_types: its window covers every layer whatever a file says
                if (types != null && !types.equals(repeat(window > 0, layers))) {
                    throw new IllegalArgumentException("layer_types " + k.get("layer_types") + " is not what"
                            + " MistralForCausalLM runs (sliding_window " + window + " on every layer)");
                }
                types = repeat(window > 0, layers);
            }
            case QWEN2, QWEN3 -> {
                boolean use = k.bool("use_sliding_window", false);
                int configured = k.nullOr("sliding_window", 4096);
                int maxWindowLayers = k.integer("max_window_layers", 28);
                // HF drops the window when use_sliding_window is false, whatever layer_types says
                window = use ? configured : 0;
                if (types == null) {
                    types = new ArrayList<>();
                    for (int i = 0; i < layers; i++) {
                        types.add(window > 0 && i >= maxWindowLayers);
                    }
                } else if (window == 0) {
                    types = repeat(false, layers);
                }
            }
            case OLMO3 -> {
                window = k.nullOr("sliding_window", 4096);
                if (types == null) {
                    types = new ArrayList<>();
                    for (int i = 0; i < layers; i++) {
                        types.add((i + 1) % 4 != 0);
                    }
                }
            }
            default -> {
                window = 0;
                if (types != null && types.contains(true)) {
                    throw new IllegalArgumentException("layer_types names sliding_attention layers, but "
                            + family.hfClass() + " has no sliding window");
                }
            }
        }
        if (types != null && types.contains(true)) {
            if (window <= 0) {
                throw new IllegalArgumentException("layer_types names sliding_attention layers but sliding_window is "
                        + window);
            }
            b.slidingWindow(window).slidingLayers(types);
        }
    }

    private static List<Boolean> layerTypes(Keys k, int layers) {
        JsonNode types = k.get("layer_types");
        if (types == null || types.isNull()) {
            return null;
        }
        if (!types.isArray() || types.size() != layers) {
            throw new IllegalArgumentException("layer_types must list one type per layer (" + layers + "): " + types);
        }
        List<Boolean> sliding = new ArrayList<>();
        for (JsonNode t : types) {
            switch (t.asText()) {
                case "full_attention" -> sliding.add(false);
                case "sliding_attention" -> sliding.add(true);
                default -> throw new IllegalArgumentException("layer_types entry '" + t.asText() + "' is not implemented"
                        + " (full_attention, sliding_attention)");
            }
        }
        return sliding;
    }

    private static List<Boolean> repeat(boolean v, int n) {
        List<Boolean> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(v);
        }
        return l;
    }

    /**
     * The rotary scaling, from 4.x's {@code rope_scaling} or 5.x's {@code rope_parameters} (which must agree when
     * both name a type). {@code whenAbsent} is the family's default when neither key is present.
     */
    private static Rope rope(Keys k, JsonNode parameters, double theta, int maxPositions, Rope whenAbsent) {
        JsonNode scaling = k.object("rope_scaling");
        if (whenAbsent != null && scaling == null && parameters == null && !k.node.has("rope_scaling")) {
            return whenAbsent;
        }
        Scaling fromScaling = scaling == null ? null : Scaling.of("rope_scaling", scaling);
        Scaling fromParameters = parameters == null ? null : Scaling.of("rope_parameters", parameters);
        Scaling s;
        if (fromScaling != null && fromParameters != null && !fromScaling.type.equals(Rope.DEFAULT)
                && !fromParameters.type.equals(Rope.DEFAULT)) {
            if (!fromScaling.sameAs(fromParameters)) {
                throw new IllegalArgumentException("rope_scaling " + scaling + " and rope_parameters " + parameters
                        + " disagree");
            }
            s = fromParameters;
        } else if (fromParameters != null && !fromParameters.type.equals(Rope.DEFAULT)) {
            s = fromParameters;
        } else {
            s = fromScaling != null ? fromScaling : fromParameters;
        }
        if (s == null || s.type.equals(Rope.DEFAULT)) {
            return Rope.plain(theta);
        }
        switch (s.type) {
            case Rope.LINEAR:
                return new Rope(Rope.LINEAR, theta, s.require("factor"), 0, 0, 0);
            case Rope.DYNAMIC: {
                Double original = s.values.get("original_max_position_embeddings");
                if (original != null && original.intValue() != maxPositions) {
                    throw new IllegalArgumentException(s.key + ".original_max_position_embeddings " + original.intValue()
                            + " differs from max_position_embeddings " + maxPositions
                            + ": transformers versions disagree on which dynamic scaling starts from");
                }
                return new Rope(Rope.DYNAMIC, theta, s.require("factor"), 0, 0, maxPositions);
            }
            case Rope.LLAMA3:
                return new Rope(Rope.LLAMA3, theta, s.require("factor"), s.require("low_freq_factor"),
                        s.require("high_freq_factor"), (int) s.require("original_max_position_embeddings"));
            default:
                throw new IllegalArgumentException(s.key + " rope_type '" + s.type + "' is not implemented"
                        + " (default, linear, dynamic, llama3)");
        }
    }

    /** One scaling block's type and numbers; unknown keys in it are refused. */
    private record Scaling(String key, String type, Map<String, Double> values) {
        private static final Set<String> KNOWN = Set.of("rope_type", "type", "rope_theta", "partial_rotary_factor",
                "factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings");

        static Scaling of(String key, JsonNode block) {
            String type = null;
            Map<String, Double> values = new java.util.TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = block.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                if (!KNOWN.contains(name)) {
                    throw new IllegalArgumentException(key + "." + name + " = " + e.getValue() + " is not implemented");
                }
                if (name.equals("rope_type") || name.equals("type")) {
                    String t = e.getValue().asText();
                    if (type != null && !type.equals(t)) {
                        throw new IllegalArgumentException(key + " names two types: " + block);
                    }
                    type = t;
                } else if (!e.getValue().isNull()) {
                    if (!e.getValue().isNumber()) {
                        throw new IllegalArgumentException(key + "." + name + " must be a number: " + e.getValue());
                    }
                    if (!name.equals("rope_theta") && !name.equals("partial_rotary_factor")) {
                        values.put(name, e.getValue().asDouble());
                    }
                }
            }
            if (type == null) {
                throw new IllegalArgumentException(key + " has no rope_type: " + block);
            }
            return new Scaling(key, type, values);
        }

        double require(String name) {
            Double v = values.get(name);
            if (v == null) {
                throw new IllegalArgumentException(key + " " + type + " needs '" + name + "'");
            }
            return v;
        }

        boolean sameAs(Scaling o) {
            return type.equals(o.type) && values.equals(o.values);
        }
    }

    private record Source(String key, Double value) {
    }

    /** The value all present sources give (they must agree), or {@code fallback} when none is present. */
    private static double agreeing(double fallback, Source... sources) {
        Source first = null;
        for (Source s : sources) {
            if (s.value == null) {
                continue;
            }
            if (first == null) {
                first = s;
            } else if (Math.abs(first.value - s.value) > 1e-12 * Math.abs(first.value)) {
                throw new IllegalArgumentException(first.key + " " + first.value + " and " + s.key + " " + s.value
                        + " disagree");
            }
        }
        return first == null ? fallback : first.value;
    }

    private static Double number(JsonNode block, String key) {
        if (block == null || !block.hasNonNull(key)) {
            return null;
        }
        if (!block.get(key).isNumber()) {
            throw new IllegalArgumentException("'" + key + "' must be a number: " + block.get(key));
        }
        return block.get(key).asDouble();
    }

    private static String architectureClass(Keys k) {
        JsonNode archs = k.get("architectures");
        if (archs == null || archs.isNull()) {
            return "";
        }
        if (!archs.isArray() || archs.size() != 1) {
            throw new IllegalArgumentException("architectures must name one class: " + archs);
        }
        return archs.get(0).asText();
    }

    /** The config's keys, remembering which ones were read. */
    private static final class Keys {
        final JsonNode node;
        final Set<String> read = new LinkedHashSet<>();

        Keys(JsonNode node) {
            this.node = node;
        }

        JsonNode get(String key) {
            read.add(key);
            return node.get(key);
        }

        int requiredInt(String key) {
            JsonNode v = get(key);
            if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
                throw new IllegalArgumentException("missing or non-integer '" + key + "'");
            }
            return v.asInt();
        }

        int integer(String key, int fallback) {
            JsonNode v = get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            return requiredInt(key);
        }

        /** 0 when the key is present and null (a feature turned off), {@code fallback} when absent. */
        int nullOr(String key, int fallback) {
            JsonNode v = get(key);
            if (v == null) {
                return fallback;
            }
            return v.isNull() ? 0 : requiredInt(key);
        }

        Double optionalNumber(String key) {
            JsonNode v = get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isNumber()) {
                throw new IllegalArgumentException("'" + key + "' must be a number: " + v);
            }
            return v.asDouble();
        }

        double number(String key, double fallback) {
            Double v = optionalNumber(key);
            return v == null ? fallback : v;
        }

        boolean bool(String key, boolean fallback) {
            JsonNode v = get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isBoolean()) {
                throw new IllegalArgumentException("'" + key + "' must be true or false: " + v);
            }
            return v.asBoolean();
        }

        String text(String key, String fallback) {
            JsonNode v = get(key);
            return v == null || v.isNull() ? fallback : v.asText();
        }

        JsonNode object(String key) {
            JsonNode v = get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isObject()) {
                throw new IllegalArgumentException("'" + key + "' must be an object: " + v);
            }
            return v;
        }

        void refuseUnread(Architecture family) {
            List<String> unknown = new ArrayList<>();
            node.fieldNames().forEachRemaining(f -> {
                if (!read.contains(f) && !IGNORED.containsKey(f)) {
                    unknown.add(f + " = " + node.get(f));
                }
            });
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("key " + String.join(", ", unknown) + " is not read for "
                        + family.hfClass() + " and may change the logits: refused rather than ignored");
            }
        }
    }
}
