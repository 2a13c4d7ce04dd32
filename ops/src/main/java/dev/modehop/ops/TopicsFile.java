package dev.modehop.ops;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.modehop.schemas.CoPartitioning;
import dev.modehop.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a topics file: YAML with three sections.
 *
 * <pre>
 * version: 1
 * defaults:                 # apply to every topic
 *   partitions: 6
 *   replicationFactor: 3
 *   retention: 7d           # 500ms, 45s, 30m, 12h, 7d, 2w, or "forever"
 *   config:                 # any other topic-level config, passed to Kafka as is
 *     min.insync.replicas: 2
 * dlq:                      # overrides for every topic's ".dlq" twin
 *   partitions: 1
 *   retention: 30d
 * topics:
 *   modehop.checkpoint.ready:
 *     retention: 90d
 *   modehop.probe.scored: {}
 *   modehop.run.control:
 *     partitions: 3
 *     dlq: false            # no twin; or a map of overrides for this topic's twin only
 * </pre>
 *
 * A topic's settings resolve as: its own entry, else {@code defaults}. Its twin {@code <name>.dlq}
 * resolves as: the topic's own {@code dlq} map, else the {@code dlq} section, else the topic's settings.
 * Unknown keys are errors (a typo must not silently fall back to a default). The monitor's input topics
 * ({@code modehop.checkpoint.ready}, {@code modehop.datawindow.closed}, {@code modehop.probe.scored}) must
 * resolve to one partition count: a file that gives them different counts is refused.
 */
public final class TopicsFile {

    private static final Set<String> SETTING_KEYS = Set.of("partitions", "replicationFactor", "retention", "config");
    private static final Set<String> TOPIC_KEYS = Set.of("partitions", "replicationFactor", "retention", "config", "dlq");
    private static final Set<String> ROOT_KEYS = Set.of("version", "defaults", "dlq", "topics");
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)");
    public static final String DLQ_SUFFIX = ".dlq";

    private TopicsFile() {
    }

    /** Thrown for any problem with the file; the message names the file and the offending path. */
    public static final class InvalidTopicsFileException extends RuntimeException {
        InvalidTopicsFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Logical topics (no prefix), each followed by its {@code .dlq} twin unless disabled, in file order. */
    public static List<TopicSpec> load(Path file) {
        JsonNode root;
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = yaml.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new InvalidTopicsFileException("topics file " + file + " is not valid YAML" + where + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidTopicsFileException("topics file " + file + " cannot be read: " + e, e);
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new InvalidTopicsFileException("topics file " + file + ": " + e.getMessage(), e);
        }
    }

    static List<TopicSpec> parse(JsonNode root) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new IllegalArgumentException("file is empty");
        }
        requireObject(root, "(root)");
        checkKeys(root, ROOT_KEYS, "(root)");
        if (root.has("version") && root.get("version").asInt(-1) != 1) {
            throw new IllegalArgumentException("version: only version 1 is supported, got " + root.get("version"));
        }
        Settings defaults = Settings.read(root.get("defaults"), "defaults", Settings.EMPTY);
        if (defaults.partitions == null || defaults.replicationFactor == null) {
            throw new IllegalArgumentException("defaults: partitions and replicationFactor are required");
        }
        JsonNode dlqSection = root.get("dlq");
        JsonNode topics = root.get("topics");
        if (topics == null || !topics.isObject() || topics.isEmpty()) {
            throw new IllegalArgumentException("topics: expected a non-empty map of topic name -> settings");
        }
        List<TopicSpec> out = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = topics.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            String path = "topics." + name;
            if (!TOPIC_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
                throw new IllegalArgumentException(path + ": not a legal Kafka topic name");
            }
            JsonNode node = entry.getValue();
            if (node == null || node.isNull()) {
                node = JsonNodeFactory.instance.objectNode();
            }
            requireObject(node, path);
            checkKeys(node, TOPIC_KEYS, path);
            Settings topic = Settings.read(node, path, defaults);
            out.add(topic.toSpec(name));

            JsonNode dlq = node.get("dlq");
            if (dlq != null && dlq.isBoolean()) {
                if (!dlq.booleanValue()) {
                    continue;
                }
                dlq = null;
            }
            if (name.endsWith(DLQ_SUFFIX)) {
                continue;
            }
            Settings twin = Settings.read(dlqSection, "dlq", topic);
            if (dlq != null) {
                twin = Settings.read(dlq, path + ".dlq", twin);
            }
            out.add(twin.toSpec(name + DLQ_SUFFIX));
        }
        List<String> names = out.stream().map(TopicSpec::name).toList();
        if (Set.copyOf(names).size() != names.size()) {
            throw new IllegalArgumentException("a topic is listed twice (perhaps both as a twin and explicitly): " + names);
        }
        requireCoPartitionedInputs(out);
        return out;
    }

    /** The monitor's input topics the file lists must share one partition count (see {@link CoPartitioning}). */
    private static void requireCoPartitionedInputs(List<TopicSpec> specs) {
        Map<String, Integer> inputs = new LinkedHashMap<>();
        for (String input : Topics.inputNames("")) {
            specs.stream().filter(s -> s.name().equals(input)).findFirst()
                    .ifPresent(s -> inputs.put("topics." + input, s.partitions()));
        }
        String problem = CoPartitioning.problem(inputs);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Parses "7d", "12h", "500ms", "forever" or "-1" (keep forever) to milliseconds. */
    public static long parseRetentionMs(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("forever") || t.equals("-1")) {
            return -1;
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("retention '" + text + "' is not a duration like 500ms, 45s, 30m, 12h, 7d, 2w or forever");
        }
        long n = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            case "d" -> 86_400_000L;
            default -> 604_800_000L;
        };
        return Math.multiplyExact(n, unit);
    }

    private static void requireObject(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(path + ": expected a map, got " + node.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String path) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(path + "." + key + ": unknown key (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    /** Settings after inheritance; null fields are unset. */
    private static final class Settings {
        static final Settings EMPTY = new Settings(null, null, new LinkedHashMap<>());

        final Integer partitions;
        final Integer replicationFactor;
        final Map<String, String> config;

        Settings(Integer partitions, Integer replicationFactor, Map<String, String> config) {
            this.partitions = partitions;
            this.replicationFactor = replicationFactor;
            this.config = config;
        }

        static Settings read(JsonNode node, String path, Settings parent) {
            if (node == null || node.isNull()) {
                return parent;
            }
            requireObject(node, path);
            if (!path.startsWith("topics.") || path.endsWith(".dlq")) {
                checkKeys(node, SETTING_KEYS, path);
            }
            Integer partitions = node.has("partitions") ? (Integer) positiveInt(node.get("partitions"), path + ".partitions", Integer.MAX_VALUE) : parent.partitions;
            Integer rf = node.has("replicationFactor")
                    ? (Integer) positiveInt(node.get("replicationFactor"), path + ".replicationFactor", Short.MAX_VALUE)
                    : parent.replicationFactor;
            Map<String, String> config = new LinkedHashMap<>(parent.config);
            JsonNode cfg = node.get("config");
            if (cfg != null && !cfg.isNull()) {
                requireObject(cfg, path + ".config");
                Iterator<Map.Entry<String, JsonNode>> it = cfg.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                        throw new IllegalArgumentException(path + ".config." + e.getKey() + ": expected a scalar value");
                    }
                    config.put(e.getKey(), e.getValue().asText());
                }
            }
            if (node.has("retention")) {
                if (cfg != null && cfg.has("retention.ms")) {
                    throw new IllegalArgumentException(path + ": set either retention or config.retention.ms, not both");
                }
                JsonNode r = node.get("retention");
                if (!r.isValueNode() || r.isNull()) {
                    throw new IllegalArgumentException(path + ".retention: expected a duration such as 7d");
                }
                try {
                    config.put("retention.ms", Long.toString(r.isNumber() ? r.asLong() : parseRetentionMs(r.asText())));
                } catch (IllegalArgumentException | ArithmeticException e) {
                    throw new IllegalArgumentException(path + ".retention: " + e.getMessage());
                }
            }
            return new Settings(partitions, rf, config);
        }

        TopicSpec toSpec(String name) {
            return new TopicSpec(name, partitions, (short) (int) replicationFactor, config);
        }

        private static int positiveInt(JsonNode n, String path, int max) {
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() <= 0 || n.asInt() > max) {
                throw new IllegalArgumentException(path + ": expected an integer in 1.." + max + ", got " + n);
            }
            return n.asInt();
        }
    }
}
