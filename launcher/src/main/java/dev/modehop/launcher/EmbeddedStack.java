package dev.modehop.launcher;

import dev.modehop.core.MonitorConfig;
import dev.modehop.core.RunMonitor;
import dev.modehop.embedded.EmbeddedKafka;
import dev.modehop.embedded.EmbeddedSchemaRegistry;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import dev.modehop.streams.MonitorStreamsJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The embedded default in one JVM: a real broker, the registry, the topics and the Kafka Streams job. */
public final class EmbeddedStack implements AutoCloseable {
    public final EmbeddedKafka kafka;
    public final EmbeddedSchemaRegistry registry;
    public final Topics topics;
    public final RunMonitor monitor;
    public final MonitorStreamsJob job;
    private final Path stateDir;

    private EmbeddedStack(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Topics topics, RunMonitor monitor,
                          MonitorStreamsJob job, Path stateDir) {
        this.kafka = kafka;
        this.registry = registry;
        this.topics = topics;
        this.monitor = monitor;
        this.job = job;
        this.stateDir = stateDir;
    }

    /**
     * @param dataDir      broker log and stream state; null for a temporary folder deleted on close
     * @param kafkaPort    0 for any free port
     * @param registryPort 0 for any free port
     */
    public static EmbeddedStack start(Path dataDir, int kafkaPort, int registryPort, int partitions,
                                      MonitorConfig config) {
        boolean temporary = dataDir == null;
        try {
            Path root = temporary ? Files.createTempDirectory("modehop-") : dataDir;
            EmbeddedKafka kafka = EmbeddedKafka.start(root.resolve("kafka"), kafkaPort, temporary, Map.of());
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(registryPort);
            Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, registry.url()));
            kafka.createTopics(topics.allNamesWithDlq(), partitions);
            RunMonitor monitor = new RunMonitor(config);
            Path state = root.resolve("streams");
            MonitorStreamsJob job = MonitorStreamsJob.start(topics, monitor,
                    MonitorStreamsJob.config(kafka.bootstrapServers(), "modehop-monitor", state.toString(), Map.of()));
            return new EmbeddedStack(kafka, registry, topics, monitor, job, temporary ? root : null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the embedded stack's folder", e);
        }
    }

    @Override
    public void close() {
        job.close();
        registry.close();
        kafka.close();
        if (stateDir != null) {
            try (var walk = Files.walk(stateDir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary folder; the OS cleans it eventually
            }
        }
    }
}
