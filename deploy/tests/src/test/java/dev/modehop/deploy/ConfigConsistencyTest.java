package dev.modehop.deploy;

import static dev.modehop.deploy.Manifests.at;
import static dev.modehop.deploy.Manifests.containers;
import static dev.modehop.deploy.Manifests.env;
import static dev.modehop.deploy.Manifests.kind;
import static dev.modehop.deploy.Manifests.map;
import static dev.modehop.deploy.Manifests.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.ops.ServiceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One source of truth for settings: ServiceConfig's documented keys (ops/README.md). Every MODEHOP_* name
 * in deploy/ and helm/ is a key ServiceConfig knows, compose's and the chart's values load through it, and
 * compose and the chart give each service the same keys.
 */
class ConfigConsistencyTest {

    /** Variables the compose file reads from the host shell (${NAME}); no process reads them. */
    private static final Set<String> COMPOSE_HOST_VARIABLES = Set.of("MODEHOP_IMAGE", "MODEHOP_CHECKPOINTS_DIR");
    /** Settings of deploy/local-cluster/cluster.sh itself (it keeps them from the services) and of the Java 21 it finds. */
    private static final Pattern LOCAL_CLUSTER_SCRIPT_VARIABLES = Pattern.compile("MODEHOP_CLUSTER_[A-Z0-9_]*|MODEHOP_JAVA21_HOME");
    private static final Pattern NAME = Pattern.compile("MODEHOP_[A-Z0-9_]*");
    private static final Pattern TABLE_ROW = Pattern.compile("^\\| `([a-z0-9.]+)` \\| `(MODEHOP_[A-Z0-9_]+)` \\|",
            Pattern.MULTILINE);

    @TempDir
    Path tmp;

    private static boolean known(String variable) {
        if (variable.equals(ServiceConfig.CONFIG_FILE_ENV)) {
            return true;
        }
        if (variable.endsWith("_")) {
            // A prefix written in prose or a template: MODEHOP_KAFKA_<NAME>, MODEHOP_SERDE_<NAME>, MODEHOP_*.
            return Set.of("MODEHOP_", "MODEHOP_KAFKA_", "MODEHOP_SERDE_").contains(variable);
        }
        return ServiceConfig.isKnownKey(ServiceConfig.keyForVariable(variable));
    }

    @Test
    void everyDocumentedKeyIsInTheOpsReadmeTableWithItsVariable() throws IOException {
        String readme = Files.readString(Manifests.repoRoot().resolve("ops/README.md"));
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = TABLE_ROW.matcher(readme);
        while (m.find()) {
            rows.put(m.group(1), m.group(2));
        }
        for (String key : ServiceConfig.knownKeys()) {
            assertEquals(ServiceConfig.envForKey(key), rows.get(key), "ops/README.md row for " + key);
        }
        for (String key : rows.keySet()) {
            assertTrue(ServiceConfig.knownKeys().contains(key), "ops/README.md documents " + key
                    + ", which ServiceConfig does not know");
        }
    }

    @Test
    void everyModehopNameInDeployAndHelmIsAServiceConfigKey() throws IOException {
        Path root = Manifests.repoRoot();
        List<String> unknown = new ArrayList<>();
        int seen = 0;
        for (Path dir : List.of(root.resolve("deploy"), root.resolve("helm"))) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dir)) {
                files = walk.filter(Files::isRegularFile)
                        .filter(p -> !p.startsWith(root.resolve("deploy/tests")))
                        // What the local cluster fetches (servers' jars) and writes (data, logs) when it runs.
                        .filter(p -> !p.startsWith(root.resolve("deploy/local-cluster/target"))
                                && !p.startsWith(root.resolve("deploy/local-cluster/run")))
                        .filter(p -> !p.toString().endsWith(".json")).toList();
            }
            for (Path file : files) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
                Matcher m = NAME.matcher(text);
                while (m.find()) {
                    seen++;
                    String variable = m.group();
                    boolean hostVariable = COMPOSE_HOST_VARIABLES.contains(variable)
                            || LOCAL_CLUSTER_SCRIPT_VARIABLES.matcher(variable).matches();
                    if (!(hostVariable || known(variable))) {
                        unknown.add(root.relativize(file) + ": " + variable);
                    }
                }
            }
        }
        assertTrue(seen > 50, "the scan found the names at all: " + seen);
        assertTrue(unknown.isEmpty(), "MODEHOP_* names ServiceConfig does not know: " + unknown);
    }

    @Test
    void composeHostVariablesAreOnlyInterpolatedAndDocumented() throws IOException {
        Path deploy = Manifests.repoRoot().resolve("deploy");
        String compose = Files.readString(deploy.resolve("docker-compose.yml"));
        Map<String, Object> services = map(Manifests.parse(compose).get("services"), "services");
        for (Object service : services.values()) {
            Object environment = map(service, "service").get("environment");
            if (environment != null) {
                for (String variable : map(environment, "environment").keySet()) {
                    assertTrue(!COMPOSE_HOST_VARIABLES.contains(variable), variable + " is a host variable");
                }
            }
        }
        String readme = Files.readString(deploy.resolve("README.md"));
        for (String variable : COMPOSE_HOST_VARIABLES) {
            assertTrue(readme.contains(variable), "deploy/README.md documents " + variable);
        }
    }

    @Test
    void composeEnvironmentKeysAreKnownAndTheirValuesLoad() {
        Map<String, Map<String, String>> compose = composeEnvironments();
        assertTrue(compose.size() >= 6, compose.keySet().toString());
        compose.forEach((service, environment) -> {
            environment.keySet().stream().filter(k -> k.startsWith("MODEHOP_"))
                    .forEach(k -> assertTrue(known(k), service + ": " + k));
            ServiceConfig cfg = ServiceConfig.load(null, environment);
            assertTrue(cfg.registryUrl().endsWith("/apis/ccompat/v7"), service + ": " + cfg.registryUrl());
        });
    }

    @Test
    void chartEnvironmentKeysAreKnownAndTheirValuesLoad() {
        for (Map.Entry<String, Map<String, String>> e : chartEnvironments().entrySet()) {
            e.getValue().keySet().stream().filter(k -> k.startsWith("MODEHOP_"))
                    .forEach(k -> assertTrue(known(k), e.getKey() + ": " + k));
            ServiceConfig cfg = ServiceConfig.load(null, e.getValue());
            assertTrue(cfg.registryUrl().endsWith("/apis/ccompat/v7"), e.getKey() + ": " + cfg.registryUrl());
        }
    }

    @Test
    void composeAndTheChartGiveEachServiceTheSameSettings() {
        Map<String, Map<String, String>> compose = composeEnvironments();
        Map<String, Map<String, String>> chart = chartEnvironments();
        // Compose's one-broker cluster needs these; the chart leaves replication to the cluster's defaults.
        Set<String> composeOnly = Set.of("MODEHOP_KAFKA_REPLICATION_FACTOR", "MODEHOP_TOPICS_REPLICATION_FACTOR");
        for (String service : List.of("streams", "scorer", "dashboard", "notify", "topics")) {
            Set<String> c = modehopKeys(compose.get(service.equals("topics") ? "topics-init" : service));
            c.removeAll(composeOnly);
            Set<String> h = modehopKeys(chart.get(service));
            assertEquals(c, h, service + ": compose keys vs chart keys");
        }
    }

    static Set<String> modehopKeys(Map<String, String> env) {
        Set<String> keys = new TreeSet<>();
        env.keySet().stream().filter(k -> k.startsWith("MODEHOP_")).forEach(keys::add);
        return keys;
    }

    static Map<String, Map<String, String>> composeEnvironments() {
        try {
            String text = Files.readString(Manifests.repoRoot().resolve("deploy/docker-compose.yml"));
            Map<String, Object> services = map(Manifests.parse(text).get("services"), "services");
            Map<String, Map<String, String>> out = new LinkedHashMap<>();
            services.forEach((name, s) -> {
                Object raw = map(s, name).get("environment");
                if (raw != null && map(raw, name).keySet().stream().anyMatch(k -> k.startsWith("MODEHOP_"))) {
                    Map<String, String> env = new HashMap<>();
                    map(raw, name).forEach((k, v) -> env.put(k, v == null ? "" : v.toString()));
                    out.put(name, env);
                }
            });
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Each workload's environment as its pod sees it: the shared ConfigMap (envFrom) under its own env. */
    private Map<String, Map<String, String>> chartEnvironments() {
        List<Map<String, Object>> docs = ChartRendering.renderWith(tmp, """
                notify:
                  enabled: true
                  routes: |
                    routes: []
                """);
        Map<String, String> shared = new HashMap<>();
        docs.stream().filter(d -> kind(d).equals("ConfigMap") && name(d).equals("modehop-config"))
                .forEach(d -> map(at(d, "data"), "data").forEach((k, v) -> shared.put(k, String.valueOf(v))));
        assertTrue(!shared.isEmpty(), "the shared ConfigMap");
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Map<String, Object> d : docs) {
            if (!Set.of("Deployment", "StatefulSet", "Job").contains(kind(d))) {
                continue;
            }
            Map<String, Object> c = containers(d).get(0);
            Map<String, String> env = new HashMap<>();
            if (c.get("envFrom") != null) {
                env.putAll(shared);
            }
            env(c).forEach((k, v) -> env.put(k, v == null ? "" : v));
            out.put(name(d).replaceFirst("^modehop-", ""), env);
        }
        return out;
    }
}
