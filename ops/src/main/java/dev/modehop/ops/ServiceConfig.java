package dev.modehop.ops;

import dev.modehop.schemas.AvroSerdes;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Settings of one service process (Kafka Streams job, scorer worker, dashboard, topic provisioning),
 * read from an optional properties file and the environment.
 *
 * <p>Precedence: environment variable &gt; file &gt; built-in default. A key {@code a.b.c} in the file
 * corresponds to the variable {@code MODEHOP_A_B_C}. Keys under {@code kafka.} are handed to the Kafka
 * clients unchanged (minus the prefix), so SASL/SSL or tuning settings need no code:
 * {@code kafka.security.protocol=SASL_SSL} or {@code MODEHOP_KAFKA_SECURITY_PROTOCOL=SASL_SSL}.
 * Service-specific keys (say {@code scorer.batch.size}) are kept and read with {@link #get(String)}.
 *
 * <p>Instances are immutable; {@link #load(Path, Map)} takes the environment as a map so tests need not
 * touch the process environment.
 */
public final class ServiceConfig {

    /** Environment variable naming the properties file when no path is given explicitly. */
    public static final String CONFIG_FILE_ENV = "MODEHOP_CONFIG_FILE";
    static final String ENV_PREFIX = "MODEHOP_";
    static final String KAFKA_PREFIX = "kafka.";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String REGISTRY_URL = "registry.url";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String GROUP_ID = "group.id";
    /**
     * Static group membership: a restarted process with the same id takes its partitions back at once
     * instead of after the session timeout. Unset: {@code $POD_NAME}, else {@code $HOSTNAME} (what Kubernetes
     * and Docker set; an interactive shell does not export it); {@code none} turns it off. Two live processes
     * of one group must never share an id: the second fences the first.
     */
    public static final String GROUP_INSTANCE_ID = "group.instance.id";
    public static final String DEVICE = "device";
    public static final String HEALTH_PORT = "health.port";
    public static final String SERVICE_NAME = "service.name";
    public static final String TOPICS_REPLICATION_FACTOR = "topics.replication.factor";
    public static final String TOPICS_TIMEOUT_MS = "topics.timeout.ms";
    /**
     * The value serializer and deserializer class (default: modehop's registry serde, Confluent protocol);
     * keys under {@code serde.} go to them unchanged (minus the prefix), e.g. Apicurio's own settings.
     */
    public static final String VALUE_SERIALIZER = "value.serializer";
    public static final String VALUE_DESERIALIZER = "value.deserializer";
    static final String SERDE_PREFIX = "serde.";
    /** Monitor settings; unset means core's {@code MonitorConfig.defaults()}. */
    public static final String STABILITY_CHECKPOINTS = "stability.checkpoints";
    public static final String MISSING_TIMEOUT_SECONDS = "missing.timeout.seconds";
    public static final String RULES_FILE = "rules.file";
    /** Kafka Streams service: local state folder, and the host:port other instances reach it under. */
    public static final String STREAMS_STATE_DIR = "streams.state.dir";
    public static final String STREAMS_APPLICATION_SERVER = "streams.application.server";
    public static final String STREAMS_QUERY_PORT = "streams.query.port";
    /** Interactive queries' bind address: loopback unless told, like the dashboard. */
    public static final String STREAMS_QUERY_HOST = "streams.query.host";
    public static final String SUITE = "suite";
    /** Scorer: least seconds between two progress reports (log line and scoring.progress record) per checkpoint. */
    public static final String PROGRESS_SECONDS = "progress.seconds";
    public static final String DASHBOARD_HOST = "dashboard.host";
    public static final String DASHBOARD_PORT = "dashboard.port";
    public static final String DASHBOARD_STREAMS_URL = "dashboard.streams.url";
    public static final String DASHBOARD_ALLOWED_HOSTS = "dashboard.allowed.hosts";
    public static final String DASHBOARD_IDLE_AFTER = "dashboard.idle.after";
    public static final String CONTROL_TOKEN = "control.token";
    public static final String READ_TOKEN = "read.token";
    public static final String NOTIFY_CONFIG = "notify.config";

    private static final Map<String, String> DEFAULTS;
    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(BOOTSTRAP_SERVERS, "localhost:9092");
        // Apicurio's Confluent-compatible API: the protocol the default serde speaks.
        d.put(REGISTRY_URL, "http://localhost:8080/apis/ccompat/v7");
        d.put(TOPIC_PREFIX, "");
        d.put(GROUP_ID, "modehop");
        d.put(DEVICE, "cpu");
        d.put(HEALTH_PORT, "8081");
        d.put(SERVICE_NAME, "modehop");
        d.put(TOPICS_TIMEOUT_MS, "60000");
        d.put(STREAMS_STATE_DIR, "/tmp/modehop-streams");
        d.put(STREAMS_QUERY_HOST, "127.0.0.1");
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    /** Keys this class knows about (ops/README.md documents each); used to catch misspelt keys in a file. */
    private static final List<String> KNOWN_KEYS = List.of(BOOTSTRAP_SERVERS, REGISTRY_URL, TOPIC_PREFIX,
            GROUP_ID, GROUP_INSTANCE_ID, DEVICE, HEALTH_PORT, SERVICE_NAME, TOPICS_REPLICATION_FACTOR, TOPICS_TIMEOUT_MS,
            VALUE_SERIALIZER, VALUE_DESERIALIZER, STABILITY_CHECKPOINTS, MISSING_TIMEOUT_SECONDS, RULES_FILE,
            STREAMS_STATE_DIR, STREAMS_APPLICATION_SERVER, STREAMS_QUERY_PORT, STREAMS_QUERY_HOST, SUITE, PROGRESS_SECONDS, DASHBOARD_HOST, DASHBOARD_PORT,
            DASHBOARD_STREAMS_URL, DASHBOARD_ALLOWED_HOSTS, DASHBOARD_IDLE_AFTER, CONTROL_TOKEN, READ_TOKEN,
            NOTIFY_CONFIG);

    private final Map<String, String> values;
    private final Map<String, String> sources;

    private ServiceConfig(Map<String, String> values, Map<String, String> sources) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
        this.sources = Collections.unmodifiableMap(new TreeMap<>(sources));
    }

    /** Defaults overlaid with the file named by {@code MODEHOP_CONFIG_FILE} (if set) and the process environment. */
    public static ServiceConfig fromEnvironment() {
        return load(null, System.getenv());
    }

    /**
     * Defaults, then {@code file} (or the file named by {@code MODEHOP_CONFIG_FILE} in {@code env} when
     * {@code file} is null; no file at all is fine), then every {@code MODEHOP_*} variable in {@code env}.
     *
     * @throws IllegalArgumentException with a message naming the file, key and source on any bad input
     */
    public static ServiceConfig load(Path file, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> sources = new LinkedHashMap<>();
        DEFAULTS.keySet().forEach(k -> sources.put(k, "default"));

        Path configFile = file;
        if (configFile == null && env.get(CONFIG_FILE_ENV) != null && !env.get(CONFIG_FILE_ENV).isBlank()) {
            configFile = Path.of(env.get(CONFIG_FILE_ENV).trim());
        }
        if (configFile != null) {
            for (Map.Entry<String, String> e : readFile(configFile).entrySet()) {
                values.put(e.getKey(), e.getValue());
                sources.put(e.getKey(), "file " + configFile);
            }
        }
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ENV_PREFIX) || name.equals(CONFIG_FILE_ENV)) {
                continue;
            }
            String key = keyForEnv(name);
            if (key.isEmpty()) {
                continue;
            }
            values.put(key, e.getValue());
            sources.put(key, "environment variable " + name);
        }
        for (String name : List.of("POD_NAME", "HOSTNAME")) {
            String host = env.get(name);
            if (!values.containsKey(GROUP_INSTANCE_ID) && host != null && !host.isBlank()) {
                values.put(GROUP_INSTANCE_ID, host.trim());
                sources.put(GROUP_INSTANCE_ID, "environment variable " + name);
            }
        }
        ServiceConfig cfg = new ServiceConfig(values, sources);
        cfg.validate();
        return cfg;
    }

    /** Builds a configuration from explicit key/values over the defaults; for tests and embedded use. */
    public static ServiceConfig of(Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> sources = new LinkedHashMap<>();
        DEFAULTS.keySet().forEach(k -> sources.put(k, "default"));
        overrides.forEach((k, v) -> {
            values.put(k, v);
            sources.put(k, "explicit value");
        });
        ServiceConfig cfg = new ServiceConfig(values, sources);
        cfg.validate();
        return cfg;
    }

    /** The documented keys, in the order ops/README.md lists them (pass-through prefixes excluded). */
    public static List<String> knownKeys() {
        return KNOWN_KEYS;
    }

    /** Whether {@code key} is documented or under a pass-through prefix ({@code kafka.}, {@code serde.}). */
    public static boolean isKnownKey(String key) {
        return KNOWN_KEYS.contains(key) || (key.startsWith(KAFKA_PREFIX) && key.length() > KAFKA_PREFIX.length())
                || (key.startsWith(SERDE_PREFIX) && key.length() > SERDE_PREFIX.length());
    }

    /** The key a {@code MODEHOP_*} variable sets, e.g. {@code MODEHOP_STREAMS_STATE_DIR} -> {@code streams.state.dir}. */
    public static String keyForVariable(String envName) {
        if (!envName.startsWith(ENV_PREFIX)) {
            throw new IllegalArgumentException(envName + " does not start with " + ENV_PREFIX);
        }
        return keyForEnv(envName);
    }

    /** {@code MODEHOP_KAFKA_SASL_JAAS_CONFIG} -> {@code kafka.sasl.jaas.config}. */
    static String keyForEnv(String envName) {
        return envName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** {@code kafka.sasl.jaas.config} -> {@code MODEHOP_KAFKA_SASL_JAAS_CONFIG}. */
    public static String envForKey(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Map<String, String> readFile(Path file) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("config file " + file + " does not exist (set by "
                    + CONFIG_FILE_ENV + " or --config)");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("config file " + file + " is not a readable regular file");
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException("config file " + file + " is not valid UTF-8 text", e);
        } catch (IllegalArgumentException e) {
            // Properties.load rejects a malformed \\uXXXX escape this way.
            throw new IllegalArgumentException("config file " + file + " is not a valid properties file: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("config file " + file + " cannot be read: " + e.getMessage(), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : new TreeMap<>(toStringMap(props)).keySet()) {
            String trimmedKey = key.trim();
            if (trimmedKey.isEmpty()) {
                throw new IllegalArgumentException("config file " + file + " has an entry with an empty key");
            }
            String suggestion = closeKnownKey(trimmedKey);
            if (suggestion != null) {
                throw new IllegalArgumentException("config file " + file + ": unknown key '" + trimmedKey
                        + "', did you mean '" + suggestion + "'?");
            }
            if (trimmedKey.equals("kafka.")) {
                throw new IllegalArgumentException("config file " + file
                        + ": key 'kafka.' names no Kafka client property");
            }
            out.put(trimmedKey, props.getProperty(key).trim());
        }
        return out;
    }

    private static Map<String, String> toStringMap(Properties props) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            m.put(name, props.getProperty(name));
        }
        return m;
    }

    /** A known key within edit distance 2 of {@code key} (but not equal), else null. */
    static String closeKnownKey(String key) {
        if (KNOWN_KEYS.contains(key) || key.startsWith(KAFKA_PREFIX) || key.startsWith(SERDE_PREFIX)) {
            return null;
        }
        for (String known : KNOWN_KEYS) {
            if (editDistance(key, known) <= 2) {
                return known;
            }
        }
        if (key.startsWith("kafka") && !key.startsWith(KAFKA_PREFIX)) {
            return KAFKA_PREFIX + key.substring("kafka".length()).replaceFirst("^[^a-z]+", "");
        }
        return null;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int subst = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(subst, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private void validate() {
        require(!bootstrapServers().isBlank(), BOOTSTRAP_SERVERS, "must not be empty");
        require(!groupId().isBlank(), GROUP_ID, "must not be empty");
        String url = registryUrl();
        require(url.startsWith("http://") || url.startsWith("https://") || url.startsWith("mock://"),
                REGISTRY_URL, "must be an http(s) URL, got '" + url + "'");
        int port = intValue(HEALTH_PORT);
        require(port >= 0 && port <= 65535, HEALTH_PORT, "must be in 0..65535 (0 picks a free port), got " + port);
        require(intValue(TOPICS_TIMEOUT_MS) > 0, TOPICS_TIMEOUT_MS, "must be positive");
        if (values.containsKey(TOPICS_REPLICATION_FACTOR) && !values.get(TOPICS_REPLICATION_FACTOR).isEmpty()) {
            require(intValue(TOPICS_REPLICATION_FACTOR) > 0, TOPICS_REPLICATION_FACTOR, "must be positive");
        }
    }

    private void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(key + " " + problem + " (from " + sourceOf(key) + ")");
        }
    }

    private int intValue(String key) {
        String raw = values.get(key);
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + raw + "' (from "
                    + sourceOf(key) + ")", e);
        }
    }

    /** Where a key's value came from: "default", "file PATH", "environment variable NAME", or "unset". */
    public String sourceOf(String key) {
        return sources.getOrDefault(key, "unset");
    }

    public String bootstrapServers() {
        return values.get(BOOTSTRAP_SERVERS).trim();
    }

    /** Schema registry base URL, for the serde configuration in {@code schemas}. */
    public String registryUrl() {
        return values.get(REGISTRY_URL).trim();
    }

    /** Prepended to every topic name, e.g. {@code staging.} gives {@code staging.modehop.probe.scored}. */
    public String topicPrefix() {
        return values.get(TOPIC_PREFIX).trim();
    }

    /** The physical topic name for a logical one: {@code topicPrefix() + logicalName}. */
    public String topic(String logicalName) {
        return topicPrefix() + logicalName;
    }

    /** Consumer group id (scorer workers) or application.id (Kafka Streams job). */
    public String groupId() {
        return values.get(GROUP_ID).trim();
    }

    /** The static member id ({@link #GROUP_INSTANCE_ID}), empty when unset or {@code none}. */
    public Optional<String> groupInstanceId() {
        String raw = values.getOrDefault(GROUP_INSTANCE_ID, "").trim();
        return raw.isEmpty() || raw.equalsIgnoreCase("none") ? Optional.empty() : Optional.of(raw);
    }

    /** Compute device for the scorer: {@code cpu}, {@code gpu}, {@code gpu:1}. */
    public String device() {
        return values.get(DEVICE).trim();
    }

    /** Port of the health and metrics server; 0 picks a free port. */
    public int healthPort() {
        return intValue(HEALTH_PORT);
    }

    /** Name tagged on every metric ({@code service} tag) and used in logs. */
    public String serviceName() {
        return values.get(SERVICE_NAME).trim();
    }

    /** When set, overrides every topic's replication factor from the topics file (one-broker clusters). */
    public Optional<Integer> topicsReplicationFactor() {
        String raw = values.get(TOPICS_REPLICATION_FACTOR);
        return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(intValue(TOPICS_REPLICATION_FACTOR));
    }

    /** Local state folder of the Kafka Streams service. */
    public String streamsStateDir() {
        return values.get(STREAMS_STATE_DIR).trim();
    }

    public long topicsTimeoutMs() {
        return intValue(TOPICS_TIMEOUT_MS);
    }

    /**
     * The serde settings for {@code schemas}' AvroSerdes: the registry URL, the serializer and deserializer
     * classes when set, and every {@code serde.*} key with the prefix removed.
     */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(AvroSerdes.REGISTRY_URL, registryUrl());
        get(VALUE_SERIALIZER).filter(v -> !v.isBlank())
                .ifPresent(v -> out.put(AvroSerdes.SERIALIZER, v.trim()));
        get(VALUE_DESERIALIZER).filter(v -> !v.isBlank())
                .ifPresent(v -> out.put(AvroSerdes.DESERIALIZER, v.trim()));
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith(SERDE_PREFIX) && e.getKey().length() > SERDE_PREFIX.length()) {
                out.put(e.getKey().substring(SERDE_PREFIX.length()), e.getValue());
            }
        }
        return out;
    }

    /** A non-blank value of {@code key}, trimmed. */
    public Optional<String> getNonBlank(String key) {
        return get(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** Any key, including service-specific ones such as {@code scorer.batch.size}. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public int getInt(String key, int fallback) {
        return values.containsKey(key) ? intValue(key) : fallback;
    }

    /** All effective values (after precedence), sorted by key. */
    public Map<String, String> asMap() {
        return values;
    }

    /** Returns a copy with {@code key} set, e.g. a service that fixes its own {@code service.name}. */
    public ServiceConfig with(String key, String value) {
        Map<String, String> v = new LinkedHashMap<>(values);
        Map<String, String> s = new LinkedHashMap<>(sources);
        v.put(key, value);
        s.put(key, "explicit value");
        ServiceConfig cfg = new ServiceConfig(v, s);
        cfg.validate();
        return cfg;
    }

    /**
     * Kafka client properties: {@code bootstrap.servers} plus every {@code kafka.*} key with the prefix
     * removed (SASL, SSL, client tuning). Add {@code group.id}, serdes and the registry URL per client.
     */
    public Properties toKafkaProperties() {
        Properties p = new Properties();
        p.setProperty(BOOTSTRAP_SERVERS, bootstrapServers());
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith(KAFKA_PREFIX) && e.getKey().length() > KAFKA_PREFIX.length()) {
                p.setProperty(e.getKey().substring(KAFKA_PREFIX.length()), e.getValue());
            }
        }
        return p;
    }

    /** Effective settings for a startup log line; values of keys that look secret are masked. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ServiceConfig{");
        boolean first = true;
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(e.getKey()).append('=').append(looksSecret(e.getKey()) ? "****" : e.getValue());
        }
        return sb.append('}').toString();
    }

    private static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("token")
                || k.endsWith(".key") || k.contains("credentials");
    }
}
