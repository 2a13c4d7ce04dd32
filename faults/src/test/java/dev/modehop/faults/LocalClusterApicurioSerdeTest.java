package dev.modehop.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The local cluster with Apicurio's native serde (its v3 API) in every service, set as deploy/README.md says:
 * {@code value.serializer}/{@code value.deserializer} and {@code serde.apicurio.registry.*} in the
 * {@code MODEHOP_CONFIG_FILE} file. The histories are published with {@code modehop replay} (the default serde,
 * through {@code /apis/ccompat/v7}: inputs without nested named types read the same either way), the outputs are
 * read with Apicurio's deserializer, and they must equal {@code modehop detect}'s. Each Streams JVM is
 * checked to hold Apicurio's serializer and deserializer. Runs with {@code -Pcluster} and a launcher built with
 * {@code -Papicurio-serde} (the serde in {@code launcher/target/lib}); skipped otherwise.
 */
class LocalClusterApicurioSerdeTest {
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void clusterWithApicurioNativeSerdeMatchesDetect() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("modehop.cluster"), "runs with -Pcluster (mvn -Pcluster -pl faults -am verify)");
        try (Stream<Path> lib = Files.list(Launched.JAR.toAbsolutePath().getParent().resolve("lib"))) {
            Assumptions.assumeTrue(lib.anyMatch(p -> p.getFileName().toString().startsWith("apicurio-registry-avro-serde-kafka")),
                    "the launcher was built without -Papicurio-serde");
        }
        Path dir = Path.of("target", "local-cluster-apicurio").toAbsolutePath();
        Launched.deleteTree(dir);
        Files.createDirectories(dir);
        int base = freeBlock();
        Path rules = Files.writeString(dir.resolve("rules.txt"), Reference.RULES);
        Path settings = Files.writeString(dir.resolve("modehop.properties"), String.join("\n",
                "value.serializer=io.apicurio.registry.serde.avro.AvroKafkaSerializer",
                "value.deserializer=io.apicurio.registry.serde.avro.AvroKafkaDeserializer",
                "serde.apicurio.registry.url=http://127.0.0.1:" + (base + 20) + "/apis/registry/v3",
                "serde.apicurio.registry.auto-register=true",
                "serde.apicurio.registry.use-specific-avro-reader=true",
                "serde.apicurio.registry.headers.enabled=false", ""));
        Map<String, Long> everyPid = new TreeMap<>();
        LocalCluster cluster = LocalCluster.up(dir, Map.of("MODEHOP_RULES_FILE", rules.toString(),
                "MODEHOP_CONFIG_FILE", settings.toString(), "MODEHOP_CLUSTER_PORT_BASE", Integer.toString(base),
                "MODEHOP_CLUSTER_SCORERS", "1"), Duration.ofMinutes(4));
        try {
            everyPid.putAll(cluster.pids());
            System.out.printf("local cluster (Apicurio's native serde) up in %.1f s%n", cluster.upSeconds);
            for (String streams : new String[] {"streams-1", "streams-2"}) {
                String histogram = jcmd(cluster.pids().get(streams));
                assertTrue(histogram.contains("io.apicurio.registry.serde.avro.AvroKafkaSerializer")
                        && histogram.contains("io.apicurio.registry.serde.avro.AvroKafkaDeserializer"),
                        streams + " holds Apicurio's serializer and deserializer");
            }
            // Outputs decoded with Apicurio's deserializer: the serializer registers a record's named types (Mode,
            // Direction) as artifacts of their own, referenced, which modehop's deserializer, fetching the schema
            // through ccompat, does not resolve ("Undefined schema: dev.modehop.events.Direction").
            Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, cluster.registryUrl,
                    AvroSerdes.SERIALIZER, "io.apicurio.registry.serde.avro.AvroKafkaSerializer",
                    AvroSerdes.DESERIALIZER, "io.apicurio.registry.serde.avro.AvroKafkaDeserializer",
                    "apicurio.registry.url", "http://127.0.0.1:" + (base + 20) + "/apis/registry/v3",
                    "apicurio.registry.use-specific-avro-reader", "true", "apicurio.registry.headers.enabled", "false"));
            Map<String, String> clientEnv = Map.of("MODEHOP_BOOTSTRAP_SERVERS", cluster.bootstrap,
                    "MODEHOP_REGISTRY_URL", cluster.registryUrl);
            try (CommittedOutputs outputs = new CommittedOutputs(cluster.bootstrap, topics)) {
                LocalClusterTest.compareWithDetect(cluster, outputs, dir.resolve("test-logs"), clientEnv);
            }
        } finally {
            everyPid.putAll(cluster.pids());
            cluster.close();
        }
        LocalClusterTest.assertNothingLeft(cluster, everyPid);
    }

    /** The live-object histogram of a JVM ({@code jcmd PID GC.class_histogram}). */
    private static String jcmd(long pid) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "jcmd failed: " + out);
        return out;
    }

    /**
     * A first port of 80 free loopback ports: the settings file names the registry's before `up` runs. Below the
     * kernel's ephemeral range, as cluster.sh's own "auto" block, so no outgoing connection takes one meanwhile.
     */
    private static int freeBlock() throws IOException {
        int ephemeralLow = Integer.parseInt(java.nio.file.Files.readString(
                java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+")[0]);
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 10_000 + ThreadLocalRandom.current().nextInt(ephemeralLow - 10_000 - 81);
            boolean free = true;
            for (int port = base; port <= base + 80 && free; port++) {
                try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new AssertionError("no free block of 80 loopback ports");
    }
}
