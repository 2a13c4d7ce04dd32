package dev.modehop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.ops.ServiceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local cluster (deploy/local-cluster/cluster.sh) starts each service with compose's settings: the same
 * MODEHOP_* keys, except where one host and three brokers differ from compose's containers and one broker, and
 * every value loads through ServiceConfig. Reads {@code cluster.sh env NAME}; starts nothing.
 */
class LocalClusterConfigTest {
    /** Compose's one-broker settings and the shared prefix (the local cluster passes it on only when set). */
    private static final Set<String> COMPOSE_ONLY = Set.of("MODEHOP_KAFKA_REPLICATION_FACTOR",
            "MODEHOP_TOPICS_REPLICATION_FACTOR", "MODEHOP_TOPIC_PREFIX");

    @TempDir
    Path tmp;

    @Test
    void eachServiceGetsComposesKeys() throws Exception {
        Map<String, Map<String, String>> compose = ConfigConsistencyTest.composeEnvironments();
        Map<String, String> localName = Map.of("streams", "streams-1", "scorer", "scorer-1", "dashboard", "dashboard",
                "topics-init", "topics-init");
        for (Map.Entry<String, String> e : localName.entrySet()) {
            Map<String, String> local = env(e.getValue());
            Set<String> c = ConfigConsistencyTest.modehopKeys(compose.get(e.getKey()));
            c.removeAll(COMPOSE_ONLY);
            Set<String> l = ConfigConsistencyTest.modehopKeys(local);
            // Two replicas on one host: each a static member with a name of its own, as the chart's StatefulSet pods.
            if (e.getKey().equals("streams") || e.getKey().equals("scorer")) {
                assertTrue(l.remove("MODEHOP_GROUP_INSTANCE_ID"), e.getValue() + " is a static member");
            }
            // topics-init is a one-shot command here, not a container with a health check.
            if (e.getKey().equals("topics-init")) {
                c.remove("MODEHOP_HEALTH_PORT");
            }
            // The local streams instances replicate their internal topics 3 times, on three brokers.
            if (e.getKey().equals("streams")) {
                assertEquals("3", local.get("MODEHOP_KAFKA_REPLICATION_FACTOR"));
                l.remove("MODEHOP_KAFKA_REPLICATION_FACTOR");
            }
            assertEquals(c, l, e.getKey() + ": compose keys vs local cluster keys");
            ServiceConfig cfg = ServiceConfig.load(null, local);
            assertTrue(cfg.registryUrl().endsWith("/apis/ccompat/v7"), cfg.registryUrl());
            assertEquals(3, cfg.bootstrapServers().split(",").length, "all three brokers: " + cfg.bootstrapServers());
        }
    }

    @Test
    void callersSettingsReachEveryService() throws Exception {
        Map<String, String> extra = Map.of("MODEHOP_TOPIC_PREFIX", "dev.", "MODEHOP_RULES_FILE", "/etc/rules.txt");
        for (String name : List.of("streams-2", "scorer-2", "dashboard", "topics-init")) {
            Map<String, String> local = env(name, extra);
            assertEquals("dev.", local.get("MODEHOP_TOPIC_PREFIX"), name);
            assertEquals("/etc/rules.txt", local.get("MODEHOP_RULES_FILE"), name);
            assertTrue(local.keySet().stream().noneMatch(k -> k.startsWith("MODEHOP_CLUSTER_")), name + ": " + local);
        }
    }

    private Map<String, String> env(String name) throws IOException, InterruptedException {
        return env(name, Map.of());
    }

    private Map<String, String> env(String name, Map<String, String> extra) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", Manifests.repoRoot().resolve("deploy/local-cluster/cluster.sh").toString(),
                "env", name).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("MODEHOP_"));
        pb.environment().put("MODEHOP_CLUSTER_DIR", tmp.resolve(name).toString());
        pb.environment().putAll(extra);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "cluster.sh env " + name);
        assertEquals(0, p.exitValue(), out);
        Map<String, String> env = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertTrue(!env.isEmpty(), out);
        return env;
    }
}
