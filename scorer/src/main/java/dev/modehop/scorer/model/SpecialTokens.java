package dev.modehop.scorer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.scorer.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The special tokens of a checkpoint folder as HF's {@code AutoTokenizer} would use them: {@code tokenizer.json},
 * and {@code tokenizer_config.json} where it overrides it. LLaMA- and Gemma-class fast tokenizers rebuild their
 * post-processor from {@code add_bos_token} (default true) and {@code add_eos_token} (default false) whenever
 * they load, whatever tokenizer.json says; {@link #tokenizerJson} applies the same rebuild so that the ids the
 * scorer feeds match {@code tokenizer(text)}. The BOS/EOS ids of {@code generation_config.json} are reported.
 *
 * @param bos            the BOS token text, or null
 * @param bosId          its id, or -1
 * @param addsBos        whether encoding a text puts BOS in front
 * @param eos            the EOS token text, or null
 * @param eosId          its id (generation_config.json's first when it names one), or -1
 * @param addsEos        whether encoding a text appends EOS
 * @param postProcessor  where the adding rule comes from
 */
public record SpecialTokens(String bos, long bosId, boolean addsBos, String eos, long eosId, boolean addsEos,
                            String postProcessor) {
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String GENERATION_CONFIG = "generation_config.json";
    /** Tokenizer classes whose post-processor HF rebuilds from add_bos_token / add_eos_token at load. */
    static final Set<String> REBUILDING = Set.of("LlamaTokenizer", "LlamaTokenizerFast", "CodeLlamaTokenizer",
            "CodeLlamaTokenizerFast", "GemmaTokenizer", "GemmaTokenizerFast");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The folder's special tokens; {@code tokenizerJson} is its tokenizer.json as {@link #tokenizerJson} returns it,
     * {@code modelConfig} its config.json (ids there are the last fallback, as in HF's generation defaults).
     */
    public static SpecialTokens of(Path folder, JsonNode tokenizerJson, JsonNode modelConfig) {
        JsonNode config = optional(folder.resolve(TOKENIZER_CONFIG));
        JsonNode generation = optional(folder.resolve(GENERATION_CONFIG));
        String bos = config == null ? null : tokenText(config.get("bos_token"));
        String eos = config == null ? null : tokenText(config.get("eos_token"));
        JsonNode post = tokenizerJson.path("post_processor");
        boolean addsBos = false;
        boolean addsEos = false;
        if (post.path("type").asText().equals("TemplateProcessing")) {
            JsonNode single = post.path("single");
            for (int i = 0; i < single.size(); i++) {
                JsonNode special = single.get(i).get("SpecialToken");
                if (special != null) {
                    if (i == 0) {
                        addsBos = true;
                        bos = bos == null ? special.path("id").asText() : bos;
                    } else {
                        addsEos = true;
                        eos = eos == null ? special.path("id").asText() : eos;
                    }
                }
            }
        }
        long bosId = bos == null ? -1 : id(tokenizerJson, bos);
        long eosId = eos == null ? -1 : id(tokenizerJson, eos);
        if (generation != null && generation.hasNonNull("eos_token_id")) {
            JsonNode e = generation.get("eos_token_id");
            eosId = e.isArray() && e.size() > 0 ? e.get(0).asLong() : e.asLong(eosId);
        }
        if (generation != null && bosId < 0 && generation.hasNonNull("bos_token_id")) {
            bosId = generation.get("bos_token_id").asLong();
        }
        if (modelConfig != null && bosId < 0 && modelConfig.path("bos_token_id").isIntegralNumber()) {
            bosId = modelConfig.get("bos_token_id").asLong();
        }
        if (modelConfig != null && eosId < 0 && modelConfig.path("eos_token_id").isIntegralNumber()) {
            eosId = modelConfig.get("eos_token_id").asLong();
        }
        String rule = rebuilds(config) ? TOKENIZER_CONFIG + " (" + config.path("tokenizer_class").asText() + ")"
                : post.isMissingNode() || post.isNull() ? "none" : "tokenizer.json " + post.path("type").asText();
        return new SpecialTokens(bos, bosId, addsBos, eos, eosId, addsEos, rule);
    }

    /**
     * The folder's tokenizer.json, with its post-processor rebuilt as HF does for LLaMA/Gemma-class tokenizers
     * (see the class comment); unchanged otherwise.
     */
    public static ObjectNode tokenizerJson(Path folder) {
        Path file = folder.resolve(CheckpointLoader.TOKENIZER_FILE);
        ObjectNode tokenizer;
        try {
            tokenizer = (ObjectNode) JSON.readTree(file.toFile());
        } catch (IOException | ClassCastException e) {
            throw new CheckpointException(file, "corrupt: not a JSON object");
        }
        JsonNode config = optional(folder.resolve(TOKENIZER_CONFIG));
        if (!rebuilds(config)) {
            return tokenizer;
        }
        boolean addBos = config.path("add_bos_token").asBoolean(true);
        boolean addEos = config.path("add_eos_token").asBoolean(false);
        String bos = tokenText(config.get("bos_token"));
        String eos = tokenText(config.get("eos_token"));
        Path at = folder.resolve(TOKENIZER_CONFIG);
        if (addBos && bos == null || addEos && eos == null) {
            throw new CheckpointException(at, "adds a " + (addBos && bos == null ? "bos" : "eos")
                    + " token but names none");
        }
        ObjectNode post = JSON.createObjectNode();
        post.put("type", "TemplateProcessing");
        ObjectNode specials = post.putObject("special_tokens");
        ArrayNode single = post.putArray("single");
        ArrayNode pair = post.putArray("pair");
        for (int seq = 0; seq < 2; seq++) {
            ArrayNode target = seq == 0 ? single : pair;
            for (int part = 0; part < (seq == 0 ? 1 : 2); part++) {
                if (addBos) {
                    special(target, bos, part);
                }
                target.addObject().putObject("Sequence").put("id", part == 0 ? "A" : "B").put("type_id", part);
                if (addEos) {
                    special(target, eos, part);
                }
            }
        }
        for (String t : new String[] {addBos ? bos : null, addEos ? eos : null}) {
            if (t != null) {
                long id = id(tokenizer, t);
                if (id < 0) {
                    throw new CheckpointException(at, "special token '" + t + "' is not in tokenizer.json");
                }
                ObjectNode s = specials.putObject(t);
                s.put("id", t);
                s.putArray("ids").add(id);
                s.putArray("tokens").add(t);
            }
        }
        tokenizer.set("post_processor", post);
        return tokenizer;
    }

    private static void special(ArrayNode target, String token, int typeId) {
        target.addObject().putObject("SpecialToken").put("id", token).put("type_id", typeId);
    }

    private static boolean rebuilds(JsonNode config) {
        return config != null && REBUILDING.contains(config.path("tokenizer_class").asText());
    }

    /** A token as tokenizer_config.json writes it: a string, or an AddedToken object with {@code content}. */
    private static String tokenText(JsonNode t) {
        if (t == null || t.isNull()) {
            return null;
        }
        return t.isObject() ? t.path("content").asText(null) : t.asText();
    }

    private static long id(JsonNode tokenizer, String token) {
        for (JsonNode added : tokenizer.path("added_tokens")) {
            if (token.equals(added.path("content").asText())) {
                return added.path("id").asLong();
            }
        }
        JsonNode vocab = tokenizer.path("model").path("vocab");
        if (vocab.isObject() && vocab.has(token)) {
            return vocab.get(token).asLong();
        }
        if (vocab.isArray()) {
            // Unigram: [[piece, score], ...]
            for (int i = 0; i < vocab.size(); i++) {
                if (token.equals(vocab.get(i).path(0).asText())) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static JsonNode optional(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            throw new CheckpointException(file, "corrupt: not JSON", e);
        }
    }

    /** {@code bos <s> = 1 (added), eos </s> = 2 (not added); rule: ...}. */
    public String describe() {
        return String.format(Locale.ROOT, "bos %s, eos %s; added by %s", token(bos, bosId, addsBos),
                token(eos, eosId, addsEos), postProcessor);
    }

    private static String token(String text, long id, boolean added) {
        if (text == null && id < 0) {
            return "none";
        }
        return (text == null ? "" : text + " = ") + id + (added ? " (added to every text)" : " (not added)");
    }
}
