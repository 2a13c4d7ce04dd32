package dev.modehop.probes.gdsuite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.modehop.probes.ProbeSuiteException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GDsuite's evaluation configuration: per choice family the demo strategy, joiner, seed count, data folder
 * and tasks with their k; per persona family the personas and the sampling settings.
 *
 * <p>{@link #published()} is the configuration GDsuite publishes; {@link #read(Path)} reads a user's
 * {@code config.yaml} in GDsuite's format (one top-level block per family; blocks without {@code tasks} or
 * {@code personas}, such as {@code vllm}, are not families and are ignored).
 */
public record GdsuiteConfig(String origin, List<ChoiceFamily> families, List<PersonaFamily> personaFamilies) {

    public GdsuiteConfig {
        families = List.copyOf(families);
        personaFamilies = List.copyOf(personaFamilies);
    }

    /** How a task's demonstrations are drawn from its demo pool, per seed. */
    public enum DemoStrategy {
        BALANCED, RANDOM, ORDERED, NONE;

        static DemoStrategy parse(String text, String where) {
            try {
                return valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ProbeSuiteException(where + ": unknown demo_strategy '" + text
                        + "' (GDsuite knows balanced, random, ordered, none)");
            }
        }

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One task; {@code k} null when its demos are baked into the prompts (zero-shot for the strategy). */
    public record TaskSpec(String name, Integer k) {
    }

    public record ChoiceFamily(String name, DemoStrategy strategy, String joiner, int seeds, String dataDir,
                               List<TaskSpec> tasks) {
        public ChoiceFamily {
            tasks = List.copyOf(tasks);
        }
    }

    public record PersonaFamily(String name, List<String> personas, String joiner, int seeds, String dataDir,
                                int samplesPerQuestion, double temperature, int maxNewTokens, List<String> stop) {
        public PersonaFamily {
            personas = List.copyOf(personas);
            stop = List.copyOf(stop);
        }
    }

    /** GDsuite's published configuration. */
    public static GdsuiteConfig published() {
        List<ChoiceFamily> f = new ArrayList<>();
        f.add(new ChoiceFamily("flipped_answer", DemoStrategy.BALANCED, "\n\n", 4, "flipped_answer", tasks(
                "sst2", 64, "imdb", 24, "rotten_tomatoes", 64, "poem_sentiment", 64, "yahoo_health_computers", 64,
                "yahoo_business_science", 64, "emotion", 100, "emotion_anger_joy", 100)));
        f.add(new ChoiceFamily("repetitive_answer", DemoStrategy.RANDOM, "\n", 4, "repetitive_answer", tasks(
                "code_tracing", 8, "letter_counting", 4, "logic", 64, "algebra/original", null, "algebra/v2fmt", null,
                "algebra/numbered", null, "algebra/instruction", null)));
        f.add(new ChoiceFamily("successive_answer", DemoStrategy.ORDERED, "\n", 4, "successive_answer", tasks(
                "number_words", 10, "letters", 10, "arithmetic", 32, "even", 32)));
        f.add(new ChoiceFamily("truthy_answer", DemoStrategy.RANDOM, "\n", 4, "truthy_answer", tasks(
                "surprising_truth", 8, "common_misconception", 100)));
        f.add(new ChoiceFamily("intuitive_answer", DemoStrategy.NONE, "\n", 1, "intuitive_answer", tasks("crt", null)));
        PersonaFamily persona = new PersonaFamily("multihop_persona_qa",
                List.of("wolf", "oppenheimer", "rasputin", "hubbard", "rand", "madoff"), "\n\n", 4,
                "multihop_persona_qa", 100, 1.0, 300, List.of("\nQ:", "\n\nQ:"));
        return new GdsuiteConfig("published GDsuite configuration", f, List.of(persona));
    }

    private static List<TaskSpec> tasks(Object... nameAndK) {
        List<TaskSpec> out = new ArrayList<>();
        for (int i = 0; i < nameAndK.length; i += 2) {
            out.add(new TaskSpec((String) nameAndK[i], (Integer) nameAndK[i + 1]));
        }
        return out;
    }

    /** Reads a GDsuite {@code config.yaml}; errors name the file and the offending key. */
    public static GdsuiteConfig read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new ProbeSuiteException(file + ": not a readable YAML file: " + firstLine(e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new ProbeSuiteException(file + ": expected a mapping of family blocks");
        }
        List<ChoiceFamily> families = new ArrayList<>();
        List<PersonaFamily> personas = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode block = e.getValue();
            String where = file + ": " + name;
            if (!block.isObject()) {
                continue;
            }
            if (block.has("personas")) {
                personas.add(persona(name, block, where));
            } else if (block.has("tasks")) {
                families.add(choice(name, block, where));
            }
        }
        if (families.isEmpty() && personas.isEmpty()) {
            throw new ProbeSuiteException(file + ": no family block (a block with 'tasks' or 'personas')");
        }
        return new GdsuiteConfig(file.toString(), families, personas);
    }

    private static ChoiceFamily choice(String name, JsonNode block, String where) {
        DemoStrategy strategy = DemoStrategy.parse(text(block, "demo_strategy", where, "none"), where + ".demo_strategy");
        String joiner = text(block, "joiner", where, "\n");
        int seeds = integer(block, "n_seeds", where, 1);
        String dataDir = text(block, "data_dir", where, name);
        JsonNode list = block.get("tasks");
        if (!list.isArray() || list.isEmpty()) {
            throw new ProbeSuiteException(where + ".tasks: expected a non-empty list of {name, k}");
        }
        List<TaskSpec> tasks = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode t = list.get(i);
            String tw = where + ".tasks[" + i + "]";
            if (t.isTextual()) {
                tasks.add(new TaskSpec(t.asText(), null));
                continue;
            }
            if (!t.isObject() || !t.path("name").isTextual()) {
                throw new ProbeSuiteException(tw + ": expected {name, k}");
            }
            JsonNode k = t.get("k");
            Integer kv = null;
            if (k != null && !k.isNull()) {
                if (!k.canConvertToInt() || !k.isIntegralNumber() || k.asInt() < 0) {
                    throw new ProbeSuiteException(tw + ".k: expected a non-negative integer, got " + k);
                }
                kv = k.asInt();
            }
            tasks.add(new TaskSpec(t.get("name").asText(), kv));
        }
        return new ChoiceFamily(name, strategy, joiner, seeds, dataDir, tasks);
    }

    private static PersonaFamily persona(String name, JsonNode block, String where) {
        JsonNode list = block.get("personas");
        if (!list.isArray() || list.isEmpty()) {
            throw new ProbeSuiteException(where + ".personas: expected a non-empty list of names");
        }
        List<String> personas = new ArrayList<>();
        list.forEach(p -> personas.add(p.asText()));
        // keys a block leaves out take the published persona settings (100 samples, 4 seeds, 300 tokens, the stops)
        PersonaFamily published = published().personaFamilies().get(0);
        List<String> stop = new ArrayList<>();
        JsonNode s = block.path("stop");
        if (s.isArray()) {
            s.forEach(x -> stop.add(x.asText()));
        } else if (s.isTextual()) {
            stop.add(s.asText());
        } else if (s.isMissingNode()) {
            stop.addAll(published.stop());
        }
        JsonNode temperature = block.path("temperature");
        if (!temperature.isMissingNode() && !temperature.isNumber()) {
            throw new ProbeSuiteException(where + ".temperature: expected a number, got " + temperature);
        }
        if (temperature.isNumber() && !(temperature.asDouble() >= 0)) {
            throw new ProbeSuiteException(where + ".temperature: expected a number >= 0, got " + temperature);
        }
        return new PersonaFamily(name, personas, text(block, "joiner", where, published.joiner()),
                integer(block, "n_seeds", where, published.seeds()), text(block, "data_dir", where, name),
                integer(block, "n_samples_per_question", where, published.samplesPerQuestion()),
                temperature.isMissingNode() ? published.temperature() : temperature.asDouble(),
                integer(block, "max_new_tokens", where, published.maxNewTokens()), stop);
    }

    private static String text(JsonNode block, String key, String where, String fallback) {
        JsonNode v = block.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new ProbeSuiteException(where + "." + key + ": expected a string, got " + v);
        }
        return v.asText();
    }

    private static int integer(JsonNode block, String key, String where, int fallback) {
        JsonNode v = block.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
            throw new ProbeSuiteException(where + "." + key + ": expected a positive integer, got " + v);
        }
        return v.asInt();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
