package dev.modehop.flink;

import dev.modehop.core.MonitorConfig;
import dev.modehop.core.RunMonitor;
import dev.modehop.embedded.EmbeddedKafka;
import dev.modehop.embedded.EmbeddedSchemaRegistry;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ModeHop;
import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import dev.modehop.streams.MonitorStreamsJob;
import dev.modehop.schemas.ProbeScores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Flink job against the Kafka Streams job, in one JVM, on one in-process broker, with the workload of
 * {@code bench/StreamsBenchmark} (runs x checkpoints, one checkpoint.ready and one score per family each;
 * accuracies flip every 10 checkpoints, shifted per run and family). Both engines exactly-once, on Kafka 4.2.0
 * (this module's test classpath; the bench module's Kafka 4.4.0 cannot run the connector's exactly-once sink).
 * <ul>
 *   <li>Throughput: input events per second from the first input produced to the last mode observation
 *       visible to a read_committed consumer (all inputs produced at once).</li>
 *   <li>Latency: from a checkpoint's last probe score produced to each of its hops visible to a
 *       read_committed consumer, with checkpoints paced at 20/s per run.</li>
 * </ul>
 * Each measurement runs on fresh topics (2 partitions) with a fresh job, after a warm-up record per
 * partition has gone through it (so job start-up is not measured).
 *
 * <p>{@code mvn -pl stream-jobs/flink exec:exec -Dflink.bench.args="--runs 20 --families 4 --checkpoints 100"}
 */
public final class FlinkBenchmark {
    private FlinkBenchmark() {
    }

    record Workload(int runs, int families, int checkpoints) {
        int events() {
            return runs * checkpoints * (1 + families);
        }

        int observations() {
            return runs * checkpoints * families;
        }

        int hops() {
            int hops = 0;
            for (int r = 0; r < runs; r++) {
                for (int f = 0; f < families; f++) {
                    for (int i = 2; i <= checkpoints; i++) {
                        hops += accuracy(i, r, f) != accuracy(i - 1, r, f) ? 1 : 0;
                    }
                }
            }
            return hops;
        }

        static double accuracy(int checkpoint, int run, int family) {
            return ((checkpoint + run + family) / 10) % 2 == 0 ? 0.95 : 0.05;
        }
    }

    /** Starts an engine on the topics of prefix {@code name + "."}; the returned handle stops it. */
    interface Engine {
        AutoCloseable start(Topics topics, String name) throws Exception;
    }

    record Result(double eventsPerSecond, double p50, double p99) {
    }

    public static void main(String[] args) throws Exception {
        Workload load = new Workload(intArg(args, "--runs", 20), intArg(args, "--families", 4),
                intArg(args, "--checkpoints", 100));
        Workload paced = new Workload(Math.max(1, load.runs() / 4), load.families(), Math.min(load.checkpoints(), 60));
        List<Long> intervals = new ArrayList<>();
        for (String ms : stringArg(args, "--checkpoint-ms", "1000,100").split(",")) {
            intervals.add(Long.parseLong(ms.trim()));
        }
        System.out.printf("workload: %d runs x %d families x %d checkpoints = %d input events (throughput);%n"
                        + "          %d runs x %d checkpoints paced at 20 checkpoints/s per run (latency)%n",
                load.runs(), load.families(), load.checkpoints(), load.events(), paced.runs(), paced.checkpoints());
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

    static String row(String engine, int parallelism, String delivery, Result r) {
        return String.format("| %s | %d | %s | %.0f | %.0f | %.0f |", engine, parallelism, delivery,
                r.eventsPerSecond(), r.p50(), r.p99());
    }

    static Result measure(String name, EmbeddedKafka kafka, Map<String, String> serdes, Workload load,
                          Workload paced, Engine engine) throws Exception {
        double throughput = phase(name + "-t", kafka, serdes, load, engine, false).eventsPerSecond();
        Result latency = phase(name + "-l", kafka, serdes, paced, engine, true);
        return new Result(throughput, latency.p50(), latency.p99());
    }

    /** One measured phase on fresh topics with a fresh job: produce the workload, wait for its outputs. */
    static Result phase(String name, EmbeddedKafka kafka, Map<String, String> serdes, Workload w, Engine engine,
                        boolean forLatency) throws Exception {
        Topics topics = Topics.create(name + ".", serdes);
        kafka.createTopics(topics.allNamesWithDlq(), 2);
        try (AutoCloseable job = engine.start(topics, name)) {
            warmUp(kafka, topics, name);
            String watched = forLatency ? topics.hopDetected.name() : topics.modeObserved.name();
            int expected = forLatency ? w.hops() : w.observations();
            Map<String, Long> lastScoreSentAt = new ConcurrentHashMap<>();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            long[] seenAndLast = new long[2];
            AtomicBoolean done = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try (KafkaConsumer<String, byte[]> c = consumer(kafka, name + "-reader")) {
                    c.subscribe(List.of(watched));
                    while (!done.get()) {
                        for (ConsumerRecord<String, byte[]> rec : c.poll(Duration.ofMillis(20))) {
                            long now = System.nanoTime();
                            if (forLatency) {
                                ModeHop hop = topics.hopDetected.valueSerde().deserializer()
                                        .deserialize(rec.topic(), rec.value());
                                Long sent = lastScoreSentAt.get(hop.getRunId() + "/" + hop.getStep());
                                if (sent != null) {
                                    latencies.add(now - sent);
                                }
                            }
                            synchronized (seenAndLast) {
                                seenAndLast[0]++;
                                seenAndLast[1] = now;
                            }
                        }
                    }
                }
            }, name + "-reader");
            reader.setDaemon(true);
            reader.start();
            long start = System.nanoTime();
            produce(kafka, topics, w, forLatency, lastScoreSentAt);
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (System.nanoTime() < deadline) {
                synchronized (seenAndLast) {
                    if (seenAndLast[0] >= expected) {
                        break;
                    }
                }
                Thread.sleep(20);
            }
            done.set(true);
            reader.join();
            long seen;
            long elapsed;
            synchronized (seenAndLast) {
                seen = seenAndLast[0];
                elapsed = seenAndLast[1] - start;
            }
            if (seen != expected) {
                System.out.printf("  %s: %d of %d outputs arrived%n", name, seen, expected);
            }
            double eps = w.events() / (elapsed / 1e9);
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            double p50 = sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2) / 1e6;
            double p99 = sorted.isEmpty() ? Double.NaN
                    : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))) / 1e6;
            System.out.printf("  %s: %d outputs in %.2f s (%.0f input events/s)%s%n", name, seen, elapsed / 1e9, eps,
                    forLatency ? String.format(", latency p50 %.0f ms p99 %.0f ms over %d hops", p50, p99,
                            sorted.size()) : "");
            return new Result(eps, p50, p99);
        }
    }

    private static void produce(EmbeddedKafka kafka, Topics topics, Workload w, boolean paced,
                                Map<String, Long> lastScoreSentAt) throws InterruptedException {
        try (KafkaProducer<String, byte[]> p = producer(kafka)) {
            for (int i = 1; i <= w.checkpoints(); i++) {
                long step = 50L * i;
                for (int r = 0; r < w.runs(); r++) {
                    String run = "run" + r;
                    long now = System.currentTimeMillis();
                    CheckpointReady ready = CheckpointReady.newBuilder().setRunId(run).setStep(step).setTokensSeen(step)
                            .setUri("/bench/" + step).setProducedAt(now).build();
                    p.send(new ProducerRecord<>(topics.checkpointReady.name(), run, topics.checkpointReady.valueSerde()
                            .serializer().serialize(topics.checkpointReady.name(), ready)));
                    for (int f = 0; f < w.families(); f++) {
                        double acc = Workload.accuracy(i, r, f);
                        String family = "family" + f;
                        ProbeScore s = ProbeScores.counted(run, step, "bench", family, "main", 512, acc, 2 * acc - 1)
                                .setTaskCount(w.families()).setProducedAt(now).build();
                        if (f == w.families() - 1) {
                            lastScoreSentAt.put(run + "/" + step, System.nanoTime());
                        }
                        p.send(new ProducerRecord<>(topics.probeScored.name(), run, topics.probeScored.valueSerde()
                                .serializer().serialize(topics.probeScored.name(), s)));
                    }
                }
                if (paced) {
                    p.flush();
                    Thread.sleep(50);
                }
            }
        }
    }

    /**
     * Undecodable scores under keys that cover both partitions, then waits until their dead letters are
     * visible to a read_committed consumer: the job is then reading, processing and committing.
     */
    private static void warmUp(EmbeddedKafka kafka, Topics topics, String name) {
        int keys = 8;
        try (KafkaProducer<String, byte[]> p = producer(kafka);
             KafkaConsumer<String, byte[]> c = consumer(kafka, name + "-warm-up")) {
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

    static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cfg.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(cfg, new StringSerializer(), new ByteArraySerializer());
    }

    static KafkaConsumer<String, byte[]> consumer(EmbeddedKafka kafka, String group) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer());
    }

    static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(fallback)));
    }

    static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
