package dev.modehop.bench;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The Kafka Streams job against two pass-through baselines on the same in-process broker, in one run:
 * a raw consumer-to-producer loop (at-least-once, no framework) and a Kafka Streams topology that only
 * copies records with the job's own exactly-once settings. Throughput: input events per second from the
 * first record produced to the last output visible to a read_committed consumer. Latency: from a
 * checkpoint's last probe score produced to its output visible (hops for the job, the copy for baselines).
 */
public final class StreamsBenchmark {
    private StreamsBenchmark() {
    }

    /** Kafka Streams settings given with {@code --streams-set k=v,k=v}, applied to the copy and the job alike. */
    private static Map<String, Object> streamsOverrides = Map.of();

    record Workload(int runs, int families, int checkpoints) {
        int events() {
            return runs * checkpoints * (1 + families);
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = intArg(args, "--runs", 20);
        int families = intArg(args, "--families", 4);
        int checkpoints = intArg(args, "--checkpoints", 100);
        Workload load = new Workload(runs, families, checkpoints);
        streamsOverrides = settings(stringArg(args, "--streams-set", ""));
        // --paced-checkpoints: a longer latency phase; every 10 checkpoints give each family a hop, so the default
        // 60 gives 120 latency samples and 300 give 600 (a p99 steadier than the second-worst of 120)
        Workload paced = new Workload(Math.max(1, runs / 4), families, intArg(args, "--paced-checkpoints",
                Math.min(checkpoints, 60)));
        System.out.printf("workload: %d runs x %d families x %d checkpoints = %d input events (throughput);%n"
                + "          %d runs x %d checkpoints paced at 20 checkpoints/s per run (latency)%n",
                runs, families, checkpoints, load.events(), paced.runs(), paced.checkpoints());
        Path state = Files.createTempDirectory("modehop-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            // --only raw,copy,job,flat runs some of the rows (for profiling one of them); the default runs all.
            List<String> only = List.of(stringArg(args, "--only", "raw,copy,job,flat").split(","));
            List<String> rows = new ArrayList<>();
            if (only.contains("raw")) {
                rows.add(rawPassThrough(kafka, registry, load, paced));
            }
            if (only.contains("copy")) {
                rows.add(streamsPassThrough(kafka, registry, load, paced, state));
            }
            if (only.contains("job")) {
                rows.add(modehopJob(kafka, registry, load, paced, state));
            }
            // Per-record cost against the run's size: one run, about the same number of input events.
            List<String> flat = new ArrayList<>();
            int events = intArg(args, "--flat-events", 10_000);
            for (int series : only.contains("flat") ? new int[] {4, 100} : new int[0]) {
                Workload one = new Workload(1, series, Math.max(2, events / (1 + series)));
                Result r = jobThroughput(kafka, registry, one, state, "job-s" + series);
                flat.add(String.format("| modehop job, 1 run x %d series (%d checkpoints) | %.0f | %.0f | %.0f |",
                        series, one.checkpoints(), r.eventsPerSecond(), 1e6 / r.eventsPerSecond(), r.cpuPerEvent()));
            }
            System.out.println();
            System.out.println("| pipeline | throughput (events/s) | latency p50 (ms) | latency p99 (ms)"
                    + " | process CPU per event (us) |");
            System.out.println("|---|---|---|---|---|");
            rows.forEach(System.out::println);
            System.out.println();
            System.out.println("| run size | throughput (events/s) | wall time per input event (us)"
                    + " | process CPU per event (us) |");
            System.out.println("|---|---|---|---|");
            flat.forEach(System.out::println);
        }
    }

    /** {@code k=v,k=v} as a settings map; blank gives none. */
    static Map<String, Object> settings(String pairs) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (String pair : pairs.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                m.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            } else if (!pair.isBlank()) {
                throw new IllegalArgumentException("--streams-set wants key=value pairs, got '" + pair + "'");
            }
        }
        return m;
    }

    // ---- the three pipelines ----

    static String rawPassThrough(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Workload load, Workload paced)
            throws Exception {
        Result r = measure("raw", kafka, registry, load, paced, (topics, outTopic) -> {
            AtomicBoolean stop = new AtomicBoolean();
            Thread t = new Thread(() -> {
                try (KafkaConsumer<String, byte[]> c = consumer(kafka, "raw-" + UUID.randomUUID(), false);
                     KafkaProducer<String, byte[]> p = producer(kafka)) {
                    c.subscribe(List.of(topics.checkpointReady.name(), topics.probeScored.name()));
                    while (!stop.get()) {
                        for (ConsumerRecord<String, byte[]> rec : c.poll(Duration.ofMillis(50))) {
                            p.send(new ProducerRecord<>(outTopic, null, rec.key(), rec.value(), rec.headers()));
                        }
                        p.flush();
                        c.commitAsync();
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            return () -> {
                stop.set(true);
                t.join();
            };
        });
        return r.row("raw consume -> produce pass-through (at-least-once)");
    }

    static String streamsPassThrough(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Workload load,
                                     Workload paced, Path state) throws Exception {
        Result r = measure("copy", kafka, registry, load, paced, (topics, outTopic) -> {
            StreamsBuilder b = new StreamsBuilder();
            b.stream(List.of(topics.checkpointReady.name(), topics.probeScored.name()),
                    Consumed.with(Serdes.String(), Serdes.ByteArray())).to(outTopic, Produced.with(Serdes.String(),
                    Serdes.ByteArray()));
            Properties p = MonitorStreamsJob.config(kafka.bootstrapServers(), "bench-copy-" + UUID.randomUUID(),
                    state.resolve("copy-" + UUID.randomUUID()).toString(), streamsOverrides);
            KafkaStreams s = new KafkaStreams(b.build(), p);
            startAndWait(s);
            return () -> s.close(Duration.ofSeconds(30));
        });
        return r.row("Kafka Streams pass-through (exactly_once_v2, same settings as the job)");
    }

    static String modehopJob(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Workload load, Workload paced,
                             Path state) throws Exception {
        Result r = measure("job", kafka, registry, load, paced, (topics, outTopic) -> {
            MonitorStreamsJob job = MonitorStreamsJob.start(topics, new RunMonitor(MonitorConfig.defaults()),
                    MonitorStreamsJob.config(kafka.bootstrapServers(), "bench-job-" + UUID.randomUUID(),
                            state.resolve("job-" + UUID.randomUUID()).toString(), streamsOverrides));
            return job::close;
        });
        return r.row("modehop Kafka Streams job (exactly_once_v2)");
    }

    static Result jobThroughput(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Workload w, Path state,
                                String name) throws Exception {
        return phase("job-" + name + "-t", kafka, registry, w, (topics, outTopic) -> {
            MonitorStreamsJob job = MonitorStreamsJob.start(topics, new RunMonitor(MonitorConfig.defaults()),
                    MonitorStreamsJob.config(kafka.bootstrapServers(), "bench-" + name + "-" + UUID.randomUUID(),
                            state.resolve(name + "-" + UUID.randomUUID()).toString(), streamsOverrides));
            return job::close;
        }, false);
    }

    // ---- measurement ----

    interface Pipeline {
        Stopper start(Topics topics, String outTopic) throws Exception;
    }

    interface Stopper {
        void stop() throws Exception;
    }

    /**
     * {@code cpuPerEvent}: CPU time of the whole process (pipeline, broker, load generator and reader, all in
     * this JVM) per input event of the throughput phase, in microseconds. On a shared machine the wall-clock
     * figures move with other load; this one moves much less, so rows of different runs compare by it.
     */
    record Result(double eventsPerSecond, double p50, double p99, double cpuPerEvent) {
        String row(String name) {
            return String.format("| %s | %.0f | %.0f | %.0f | %.0f |", name, eventsPerSecond, p50, p99, cpuPerEvent);
        }
    }

    static Result measure(String name, EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Workload load,
                          Workload paced, Pipeline pipeline) throws Exception {
        Result throughput = phase(name + "-t", kafka, registry, load, pipeline, false);
        Result latency = phase(name + "-l", kafka, registry, paced, pipeline, true);
        return new Result(throughput.eventsPerSecond, latency.p50, latency.p99, throughput.cpuPerEvent);
    }

    /** One measured phase on fresh topics: produce the workload, wait for the pipeline's outputs. */
    static Result phase(String prefix, EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Workload w,
                        Pipeline pipeline, boolean pacedForLatency) throws Exception {
        Topics topics = Topics.create(prefix + ".", Map.of(AvroSerdes.REGISTRY_URL, registry.url()));
        String copyTopic = prefix + ".copy";
        List<String> names = new ArrayList<>(topics.allNamesWithDlq());
        names.add(copyTopic);
        kafka.createTopics(names, 2);
        boolean isJob = prefix.startsWith("job");
        String watched = isJob ? (pacedForLatency ? topics.hopDetected.name() : topics.modeObserved.name()) : copyTopic;
        int expected = isJob ? (pacedForLatency ? hopsIn(w) : w.runs() * w.checkpoints() * w.families()) : w.events();

        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Stopper stopper = pipeline.start(topics, copyTopic);
        long[] lastSeen = new long[1];
        int[] seen = new int[1];
        AtomicBoolean done = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> c = consumer(kafka, "reader-" + UUID.randomUUID(), true)) {
                c.subscribe(List.of(watched));
                while (!done.get()) {
                    for (ConsumerRecord<String, byte[]> rec : c.poll(Duration.ofMillis(20))) {
                        long now = System.nanoTime();
                        String key = isJob && pacedForLatency
                                ? hopKey(topics.hopDetected.valueSerde().deserializer().deserialize(rec.topic(), rec.value()))
                                : rec.key() + "/" + new String(rec.headers().lastHeader("bench-id") == null ? new byte[0]
                                        : rec.headers().lastHeader("bench-id").value());
                        Long t0 = sentAt.get(key);
                        if (t0 != null && pacedForLatency) {
                            latencies.add(now - t0);
                        }
                        synchronized (seen) {
                            seen[0]++;
                            lastSeen[0] = now;
                        }
                    }
                }
            }
        });
        reader.setDaemon(true);
        reader.start();
        long start = System.nanoTime();
        long cpu0 = processCpuNanos();
        try (KafkaProducer<String, byte[]> p = producer(kafka)) {
            for (int i = 1; i <= w.checkpoints(); i++) {
                long step = 50L * i;
                for (int r = 0; r < w.runs(); r++) {
                    String run = "run" + r;
                    long now = System.currentTimeMillis();
                    CheckpointReady ready = CheckpointReady.newBuilder().setRunId(run).setStep(step).setTokensSeen(step)
                            .setUri("/bench/" + step).setProducedAt(now).build();
                    send(p, topics.checkpointReady.name(), run, "ready" + step,
                            topics.checkpointReady.valueSerde().serializer().serialize(topics.checkpointReady.name(), ready));
                    for (int f = 0; f < w.families(); f++) {
                        double acc = ((i + r + f) / 10) % 2 == 0 ? 0.95 : 0.05;
                        String family = "family" + f;
                        ProbeScore s = ProbeScores.counted(run, step, "bench", family, "main", 512, acc, 2 * acc - 1)
                                .setTaskCount(w.families()).setProducedAt(now).build();
                        String id = step + "/" + family;
                        if (f == w.families() - 1) {
                            sentAt.put(run + "/" + step, System.nanoTime());
                        }
                        sentAt.putIfAbsent(run + "/" + id, System.nanoTime());
                        send(p, topics.probeScored.name(), run, id,
                                topics.probeScored.valueSerde().serializer().serialize(topics.probeScored.name(), s));
                    }
                }
                if (pacedForLatency) {
                    p.flush();
                    Thread.sleep(50);
                }
            }
            p.flush();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (seen) {
                if (seen[0] >= expected) {
                    break;
                }
            }
            Thread.sleep(20);
        }
        long cpu = processCpuNanos() - cpu0;
        done.set(true);
        reader.join();
        stopper.stop();
        long elapsed;
        synchronized (seen) {
            if (seen[0] < expected) {
                System.out.printf("  %s: only %d of %d outputs arrived%n", prefix, seen[0], expected);
            }
            elapsed = lastSeen[0] - start;
        }
        double eps = w.events() / (elapsed / 1e9);
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        double p50 = sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2) / 1e6;
        double p99 = sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))) / 1e6;
        double cpuPerEvent = cpu / 1e3 / w.events();
        System.out.printf("  %s: %d outputs in %.2f s (%.0f input events/s, process CPU %.0f us per event)%s%n", prefix,
                expected, elapsed / 1e9, eps, cpuPerEvent, pacedForLatency ? String.format(
                        ", latency p50 %.0f ms p99 %.0f ms over %d samples", p50, p99, sorted.size()) : "");
        return new Result(eps, p50, p99, cpuPerEvent);
    }

    /** CPU time of this JVM so far (every thread), nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** A baseline's copy and a hop share a key: run/step for a checkpoint's last score. */
    static String hopKey(ModeHop h) {
        return h.getRunId() + "/" + h.getStep();
    }

    static int hopsIn(Workload w) {
        int hops = 0;
        for (int r = 0; r < w.runs(); r++) {
            for (int f = 0; f < w.families(); f++) {
                for (int i = 2; i <= w.checkpoints(); i++) {
                    if (((i + r + f) / 10) % 2 != ((i - 1 + r + f) / 10) % 2) {
                        hops++;
                    }
                }
            }
        }
        return hops;
    }

    private static void send(KafkaProducer<String, byte[]> p, String topic, String key, String benchId, byte[] value) {
        ProducerRecord<String, byte[]> rec = new ProducerRecord<>(topic, key, value);
        rec.headers().add("bench-id", benchId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.send(rec);
    }

    static void startAndWait(KafkaStreams s) throws InterruptedException {
        s.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (s.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cfg.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(cfg, new StringSerializer(), new ByteArraySerializer());
    }

    static KafkaConsumer<String, byte[]> consumer(EmbeddedKafka kafka, String group, boolean readCommitted) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        return new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer());
    }

    static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
