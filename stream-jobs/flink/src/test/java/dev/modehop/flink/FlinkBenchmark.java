package dev.modehop.flink;

import dev.modehop.core.MonitorConfig;
import dev.modehop.core.RunMonitor;
import dev.modehop.embedded.EmbeddedKafka;
import dev.modehop.embedded.EmbeddedSchemaRegistry;
import dev.modehop.embedded.bench.BenchmarkClients;
import dev.modehop.embedded.bench.Phase;
import dev.modehop.embedded.bench.Workload;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import dev.modehop.streams.MonitorStreamsJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import static dev.modehop.embedded.bench.BenchmarkArgs.stringArg;

/**
 * The Flink job against the Kafka Streams job, in one JVM, on one in-process broker, with the workload and
 * measurement {@code bench/StreamsBenchmark} uses ({@link Workload}, {@link Phase} in the embedded module).
 * Both engines exactly-once, on Kafka 4.2.0 (this module's test classpath; the bench module's Kafka 4.4.0 cannot run the connector's exactly-once sink).
 * <ul>
 *   <li>Throughput: input events per second from the first input produced to the last mode observation
 *       visible to a read_committed consumer (all inputs produced at once).</li>
 *   <li>Latency: from a checkpoint's last probe score produced to each of its hops visible to a
 *       read_committed consumer, with checkpoints paced at 20/s per run.</li>
 * </ul>
 * Each measurement runs on fresh topics (2 partitions) with a fresh job, after a warm-up record per
 * partition has gone through it (so job start-up is not measured).
 *
 * <p>{@code mvn -pl stream-jobs/flink exec:exec -Dflink.bench.args="--runs 20 --families 4 --checkpoints 100 --paced-checkpoints 60 --checkpoint-ms 1000,100"}
 */
public final class FlinkBenchmark {
    private FlinkBenchmark() {
    }

    /** Starts an engine on the topics of prefix {@code name + "."}; the returned handle stops it. */
    interface Engine {
        AutoCloseable start(Topics topics, String name) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Workload load = Workload.throughput(args);
        Workload paced = Workload.paced(args, load);
        List<Long> intervals = new ArrayList<>();
        for (String ms : stringArg(args, "--checkpoint-ms", "1000,100").split(",")) {
            intervals.add(Long.parseLong(ms.trim()));
        }
        Workload.print(load, paced);
        Path state = Files.createTempDirectory("modehop-flink-bench-");
        List<String> rows = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            Map<String, String> serdes = Map.of(AvroSerdes.REGISTRY_URL, registry.url());
            for (int parallelism : new int[] {1, 2}) {
                int p = parallelism;
                Engine streams = (topics, name) -> MonitorStreamsJob.start(topics,
                        new RunMonitor(MonitorConfig.defaults()),
                        MonitorStreamsJob.config(kafka.bootstrapServers(), name, state.resolve(name).toString(),
                                Map.of("num.stream.threads", p)))::close;
                rows.add(row("Kafka Streams", p, "exactly_once_v2, commit 100 ms",
                        measure("streams-p" + p, kafka, serdes, load, paced, streams)));
                for (long interval : intervals) {
                    Engine flink = (topics, name) -> {
                        JobSettings settings = JobSettings.builder(name + ".", serdes)
                                .checkpointInterval(Duration.ofMillis(interval)).build();
                        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(p,
                                new Configuration());
                        JobClient job = MonitorFlinkJob.onKafka(kafka.bootstrapServers(), settings, new Properties())
                                .start(env);
                        return () -> job.cancel().get();
                    };
                    rows.add(row("Flink", p, DeliveryGuarantee.EXACTLY_ONCE + ", checkpoint " + interval + " ms",
                            measure("flink-p" + p + "-c" + interval, kafka, serdes, load, paced, flink)));
                }
            }
        }
        System.out.println();
        System.out.println("| engine | parallelism | delivery | throughput (events/s) | latency p50 (ms) | latency p99 (ms) |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        // Flink's MiniCluster and Kafka leave non-daemon threads behind.
        System.exit(0);
    }

    static String row(String engine, int parallelism, String delivery, Phase.Result r) {
        return String.format("| %s | %d | %s | %.0f | %.0f | %.0f |", engine, parallelism, delivery,
                r.eventsPerSecond(), r.p50(), r.p99());
    }

    static Phase.Result measure(String name, EmbeddedKafka kafka, Map<String, String> serdes, Workload load,
                                Workload paced, Engine engine) throws Exception {
        Phase.Result throughput = phase(name + "-t", kafka, serdes, load, engine, false);
        Phase.Result latency = phase(name + "-l", kafka, serdes, paced, engine, true);
        return Phase.Result.of(throughput, latency);
    }

    /**
     * One measured phase on fresh topics with a fresh job, after the warm-up: mode observations for
     * throughput, hops for latency.
     */
    static Phase.Result phase(String name, EmbeddedKafka kafka, Map<String, String> serdes, Workload w, Engine engine,
                              boolean forLatency) throws Exception {
        Topics topics = Phase.freshTopics(kafka, serdes, name);
        try (AutoCloseable job = engine.start(topics, name)) {
            warmUp(kafka, topics, name);
            return forLatency
                    ? new Phase(name, kafka, topics, w, true, topics.hopDetected.name(), w.hops(), false,
                            Phase.hops(topics)).run()
                    : new Phase(name, kafka, topics, w, false, topics.modeObserved.name(), w.observations(), false,
                            null).run();
        } finally {
            Phase.dropTopics(kafka);
        }
    }

    /**
     * Undecodable scores under keys that cover both partitions, then waits until their dead letters are
     * visible to a read_committed consumer: the job is then reading, processing and committing.
     */
    private static void warmUp(EmbeddedKafka kafka, Topics topics, String name) {
        int keys = 8;
        try (KafkaProducer<String, byte[]> p = BenchmarkClients.producer(kafka);
             KafkaConsumer<String, byte[]> c = BenchmarkClients.consumer(kafka, name + "-warm-up", true)) {
            for (int k = 0; k < keys; k++) {
                p.send(new ProducerRecord<>(topics.probeScored.name(), "warm-up-" + k,
                        "not avro".getBytes(StandardCharsets.UTF_8)));
            }
            p.flush();
            c.subscribe(List.of(topics.probeScored.dlq()));
            int seen = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (seen < keys) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the job did not dead-letter the warm-up records");
                }
                seen += c.poll(Duration.ofMillis(50)).count();
            }
        }
    }
}
