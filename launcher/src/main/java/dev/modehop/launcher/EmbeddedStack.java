package dev.modehop.launcher;

import dev.modehop.core.MonitorConfig;
import dev.modehop.core.RunMonitor;
import dev.modehop.embedded.EmbeddedKafka;
import dev.modehop.embedded.EmbeddedSchemaRegistry;
import dev.modehop.flink.MonitorFlinkJob;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import dev.modehop.streams.MonitorStreamsJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * The embedded default in one JVM: a real broker, the registry, the topics and the detection job on one of
 * the two engines (Kafka Streams by default, or Flink in a local MiniCluster).
 */
public final class EmbeddedStack implements AutoCloseable {
    /** Which engine runs the detection job; NONE hosts only the broker and the registry (other processes run the job). */
    public enum Engine { STREAMS, FLINK, NONE }

    public final EmbeddedKafka kafka;
    public final EmbeddedSchemaRegistry registry;
    public final Topics topics;
    /** The Streams job; null on Flink. */
    public final MonitorStreamsJob job;
    private final JobClient flinkJob;
    private final Path stateDir;

    private EmbeddedStack(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Topics topics, MonitorStreamsJob job,
                          JobClient flinkJob, Path stateDir) {
        this.kafka = kafka;
        this.registry = registry;
        this.topics = topics;
        this.job = job;
        this.flinkJob = flinkJob;
        this.stateDir = stateDir;
    }

    /** On Kafka Streams. */
    public static EmbeddedStack start(Path dataDir, int kafkaPort, int registryPort, int partitions,
                                      MonitorConfig config) {
        return start(dataDir, kafkaPort, registryPort, partitions, () -> config, Engine.STREAMS);
    }

    /**
     * @param dataDir      broker log and stream state; null for a temporary folder deleted on close
     * @param kafkaPort    0 for any free port
     * @param registryPort 0 for any free port
     */
    public static EmbeddedStack start(Path dataDir, int kafkaPort, int registryPort, int partitions,
                                      SerializableSupplier<MonitorConfig> config, Engine engine) {
        boolean temporary = dataDir == null;
        Path root;
        try {
            root = temporary ? Files.createTempDirectory("modehop-") : dataDir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the embedded stack's folder", e);
        }
        EmbeddedKafka kafka = null;
        EmbeddedSchemaRegistry registry = null;
        try {
            kafka = EmbeddedKafka.start(root.resolve("kafka"), kafkaPort, temporary, Map.of());
            registry = EmbeddedSchemaRegistry.start(registryPort, kafka.bootstrapServers());
            Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, registry.url()));
            kafka.createTopics(topics.allNamesWithDlq(), partitions);
            Path cleanUp = temporary ? root : null;
            if (engine == Engine.NONE) {
                return new EmbeddedStack(kafka, registry, topics, null, null, cleanUp);
            }
            if (engine == Engine.FLINK) {
                // At-least-once: this classpath's kafka-clients is newer than the connector's (see MonitorFlinkJob).
                return new EmbeddedStack(kafka, registry, topics, null,
                        startFlink(kafka, registry, partitions, config), cleanUp);
            }
            MonitorStreamsJob job = MonitorStreamsJob.start(topics, new RunMonitor(config.get()),
                    MonitorStreamsJob.config(kafka.bootstrapServers(), "modehop-monitor",
                            root.resolve("streams").toString(),
                            // A static member: after a restart on the same --data-dir the job takes its
                            // partitions back at once instead of waiting out its previous self's session.
                            Map.of("group.instance.id", "modehop-up")));
            return new EmbeddedStack(kafka, registry, topics, job, null, cleanUp);
        } catch (RuntimeException e) {
            // Whatever started is stopped, and a temporary folder does not outlive a failed start.
            if (registry != null) {
                registry.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            if (temporary) {
                deleteTree(root);
            }
            throw e;
        }
    }

    private static JobClient startFlink(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, int parallelism,
                                        SerializableSupplier<MonitorConfig> config) {
        try {
            return MonitorFlinkJob.runLocal(kafka.bootstrapServers(), registry.url(), "", parallelism, config,
                    DeliveryGuarantee.AT_LEAST_ONCE);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the Flink job: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (job != null) {
            job.close();
        }
        if (flinkJob != null) {
            try {
                flinkJob.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("modehop: the Flink job did not cancel cleanly: " + e.getMessage());
            }
        }
        registry.close();
        kafka.close();
        if (stateDir != null) {
            deleteTree(stateDir);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder; the OS cleans it eventually
        }
    }
}
