package dev.modehop.scorer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every key of every reference fixture's config.json is either read by {@link ConfigReader} or on its commented
 * {@link ConfigReader#IGNORED} list; a key nobody knows is refused; and every key that is read matters: changing
 * its value either changes the model description or is refused, except for the few listed below whose effect
 * depends on another key.
 */
class ConfigCoverageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Read keys whose value is overridden by another key in these configs, with why. */
    private static final Map<String, String> DEPENDENT = Map.of(
            "use_sliding_window", "Qwen: only the layers layer_types marks sliding use the window, none here",
            "sliding_window", "Qwen: used only with use_sliding_window true (Mistral and OLMo-3 use it always)",
            "max_window_layers", "Qwen: used only to derive layer_types when it is absent");

    static List<String> fixtureNames() throws Exception {
        return ReferenceFixturesTest.fixtureNames().toList();
    }

    private static ObjectNode config(String name) throws Exception {
        return (ObjectNode) JSON.readTree(ReferenceFixturesTest.root().resolve(name).resolve("config.json").toFile());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureNames")
    void everyKeyIsReadOrKnownNotToChangeTheLogits(String name) throws Exception {
        ObjectNode node = config(name);
        Set<String> read = ConfigReader.readKeys(node);
        Set<String> ignored = new TreeSet<>();
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(k -> {
            if (ConfigReader.IGNORED.containsKey(k)) {
                ignored.add(k);
            } else if (!read.contains(k)) {
                unknown.add(k);
            }
        });
        Set<String> present = new TreeSet<>(read);
        present.retainAll(iterable(node));
        System.out.printf(Locale.ROOT, "config %-30s read %s; ignored %s%n", name, present, ignored);
        assertTrue(unknown.isEmpty(), name + ": keys neither read nor listed as harmless: " + unknown);
        ConfigReader.read(node);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureNames")
    void aKeyFromAFutureConfigIsRefusedNotIgnored(String name) throws Exception {
        ObjectNode node = config(name);
        node.put("attn_logit_softcapping", 50.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigReader.read(node));
        assertTrue(e.getMessage().contains("attn_logit_softcapping = 50.0"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureNames")
    void everyReadKeyChangesTheModelOrIsRefused(String name) throws Exception {
        ObjectNode original = config(name);
        ModelConfig base = ConfigReader.read(original).toBuilder().raw(null).build();
        List<String> inert = new ArrayList<>();
        for (String key : iterable(original)) {
            if (ConfigReader.IGNORED.containsKey(key)) {
                continue;
            }
            ObjectNode changed = original.deepCopy();
            changed.set(key, perturbed(original.get(key)));
            String outcome;
            try {
                ModelConfig c = ConfigReader.read(changed).toBuilder().raw(null).build();
                if (c.equals(base)) {
                    inert.add(key);
                    outcome = "NO EFFECT";
                } else {
                    outcome = "changes the model";
                }
            } catch (IllegalArgumentException e) {
                assertFalse(e.getMessage().isBlank());
                outcome = "refused: " + e.getMessage();
            }
            System.out.printf(Locale.ROOT, "config %-30s %-28s %s -> %s%n", name, key,
                    original.get(key) + " -> " + changed.get(key), outcome);
        }
        inert.removeAll(DEPENDENT.keySet());
        assertEquals(List.of(), inert, name + ": keys read but without effect");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureNames")
    void writtenConfigsReadBackToTheSameModel(String name) throws Exception {
        ModelConfig c = ConfigReader.read(config(name)).toBuilder().raw(null).build();
        ModelConfig back = ConfigReader.read(c.toJson()).toBuilder().raw(null).storedDtype(c.storedDtype()).build();
        assertEquals(c, back);
    }

    /** A different value of the same JSON kind (or a number where there was null). */
    private static JsonNode perturbed(JsonNode v) {
        if (v.isNull()) {
            return JSON.getNodeFactory().numberNode(3);
        }
        if (v.isBoolean()) {
            return JSON.getNodeFactory().booleanNode(!v.asBoolean());
        }
        if (v.isIntegralNumber()) {
            return JSON.getNodeFactory().numberNode(v.asLong() * 2 + 1);
        }
        if (v.isNumber()) {
            return JSON.getNodeFactory().numberNode(v.asDouble() * 2 + 0.5);
        }
        if (v.isTextual()) {
            return JSON.getNodeFactory().textNode("bogus");
        }
        if (v.isArray()) {
            ArrayNode a = v.deepCopy();
            a.set(0, JSON.getNodeFactory().textNode("bogus"));
            return a;
        }
        ObjectNode o = v.deepCopy();
        o.put("bogus", 1);
        return o;
    }

    private static List<String> iterable(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @org.junit.jupiter.api.Test
    void defaultsAreHfsWhenAKeyIsAbsent() throws Exception {
        ObjectNode neox = config("neox-parallel-rot25");
        neox.remove(List.of("rotary_pct", "partial_rotary_factor", "rotary_emb_base", "rope_theta"));
        ModelConfig c = ConfigReader.read(neox);
        assertEquals(0.25, c.rotaryPct());
        assertEquals(10000, c.rotaryBase());

        ObjectNode gemma = config("gemma");
        gemma.remove(List.of("head_dim", "tie_word_embeddings"));
        ModelConfig g = ConfigReader.read(gemma);
        assertEquals(256, g.headDim());
        assertTrue(g.tiedEmbeddings());

        ObjectNode apertus = config("apertus");
        apertus.remove(List.of("rope_scaling", "rope_theta"));
        assertEquals(new Rope(Rope.LLAMA3, 12_000_000.0, 8, 1, 4, 8192), ConfigReader.read(apertus).rope());

        ObjectNode olmo3 = config("olmo3");
        olmo3.remove(List.of("layer_types", "sliding_window"));
        ModelConfig o = ConfigReader.read(olmo3);
        assertEquals(List.of(true, true, true, false), o.slidingLayers());
        assertEquals(4096, o.slidingWindow());

        ObjectNode mistral = config("mistral");
        mistral.remove("sliding_window");
        assertEquals(4096, ConfigReader.read(mistral).slidingWindow());
    }

    @org.junit.jupiter.api.Test
    void disagreeingOrUnimplementedRotarySettingsAreRefusedByName() throws Exception {
        ObjectNode neox = config("neox-parallel-rot25");
        neox.put("partial_rotary_factor", 0.5);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigReader.read(neox)).getMessage()
                .contains("partial_rotary_factor"));
        ObjectNode llama = config("llama-rope-llama3-scaling");
        ((ObjectNode) llama.get("rope_scaling")).put("rope_type", "yarn");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigReader.read(llama)).getMessage()
                .contains("'yarn'"));
        ObjectNode five = config("llama-gqa-rope500k-tf5");
        five.put("rope_theta", 10000.0);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigReader.read(five)).getMessage()
                .contains("disagree"));
        ObjectNode dyn = config("neox-rope-linear-scaling");
        ((ObjectNode) dyn.get("rope_scaling")).put("rope_type", "dynamic");
        ModelConfig d = ConfigReader.read(dyn);
        assertEquals(Rope.DYNAMIC, d.rope().type());
        assertNotEquals(d.rope().inverseFrequencies(16, 100)[3],
                d.rope().inverseFrequencies(16, 100_000)[3], "dynamic scaling raises the base past the context");
    }
}
