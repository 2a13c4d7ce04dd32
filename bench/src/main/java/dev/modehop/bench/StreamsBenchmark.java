package dev.modehop.bench;

import dev.modehop.core.MonitorConfig;
import dev.modehop.core.RunMonitor;
import dev.modehop.embedded.EmbeddedKafka;
import dev.modehop.embedded.EmbeddedSchemaRegistry;
import dev.modehop.embedded.bench.BenchmarkClients;
import dev.modehop.embedded.bench.Phase;
import dev.modehop.embedded.bench.Workload;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import dev.modehop.streams.FormatLocale;
import dev.modehop.streams.MonitorStreamsJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

import static dev.modehop.embedded.bench.BenchmarkArgs.intArg;
import static dev.modehop.embedded.bench.BenchmarkArgs.stringArg;

/**
 * The Kafka Streams job against two pass-through baselines on the same in-process broker, in one run:
 * a raw consumer-to-producer loop (at-least-once, no framework) and a Kafka Streams topology that only
 * copies records with the job's own exactly-once settings. Throughput: input events per second from the
 * first record produced to the last output visible to a read_committed consumer. Latency: from a
 * checkpoint's last probe score produced to its output visible (hops for the job, the copy for baselines), once
 * each run's first checkpoints are through the fresh pipeline ({@link Phase#settlingCheckpoints}); the last
 * column keeps those too.
 */
public final class StreamsBenchmark {
    private StreamsBenchmark() {
    }

    /** Kafka Streams settings given with {@code --streams-set k=v,k=v}, applied to the copy and the job alike. */
    private static Map<String, Object> streamsOverrides = Map.of();
    /**
     * Unmeasured throughput passes each pipeline makes before its measured ones ({@code --warmup N}): the first
     * pass of a pipeline in a JVM spends most of its CPU compiling (see bench/README.md), which is not what a job
     * that runs for days costs.
     */
    private static int warmups = 2;
    /**
     * Measured throughput passes each pipeline makes ({@code --passes N}, default 3); its row gives the pass of
     * median throughput. One pass of the copy lasts one or two seconds, and single passes of it moved by a
     * third from one run to the next on this 2-core machine.
     */
    private static int passes = 3;

    public static void main(String[] args) throws Exception {
        // as the modehop command does: every pipeline here runs under the locale the product's processes format with
        FormatLocale.pin();
        Workload load = Workload.throughput(args);
        Workload paced = Workload.paced(args, load);
        streamsOverrides = settings(stringArg(args, "--streams-set", ""));
        warmups = intArg(args, "--warmup", 2);
        passes = Math.max(1, intArg(args, "--passes", 3));
        Workload.print(load, paced);
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
                Phase.Result r = jobThroughput(kafka, registry, one, state, "job-s" + series);
                flat.add(String.format("| modehop job, 1 run x %d series (%d checkpoints) | %.0f | %.0f | %.0f |",
                        series, one.checkpoints(), r.eventsPerSecond(), 1e6 / r.eventsPerSecond(), r.cpuPerEvent()));
            }
            System.out.println();
            System.out.println("| pipeline | throughput (events/s) | latency p50 (ms) | latency p99 (ms)"
                    + " | process CPU per event (us) | latency p99 with the pipeline's first seconds (ms) |");
            System.out.println("|---|---|---|---|---|---|");
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
        Phase.Result r = measure("raw", kafka, registry, load, paced, (topics, outTopic) -> {
            AtomicBoolean stop = new AtomicBoolean();
            Thread t = new Thread(() -> {
                try (KafkaConsumer<String, byte[]> c = BenchmarkClients.consumer(kafka, "raw-" + UUID.randomUUID(), false);
                     KafkaProducer<String, byte[]> p = BenchmarkClients.producer(kafka)) {
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
        return row("raw consume -> produce pass-through (at-least-once)", r);
    }

    static String streamsPassThrough(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Workload load,
                                     Workload paced, Path state) throws Exception {
        Phase.Result r = measure("copy", kafka, registry, load, paced, (topics, outTopic) -> {
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
        return row("Kafka Streams pass-through (exactly_once_v2, same settings as the job)", r);
    }

    static String modehopJob(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Workload load, Workload paced,
                             Path state) throws Exception {
        Phase.Result r = measure("job", kafka, registry, load, paced, (topics, outTopic) -> {
            MonitorStreamsJob job = MonitorStreamsJob.start(topics, new RunMonitor(MonitorConfig.defaults()),
                    MonitorStreamsJob.config(kafka.bootstrapServers(), "bench-job-" + UUID.randomUUID(),
                            state.resolve("job-" + UUID.randomUUID()).toString(), streamsOverrides));
            return job::close;
        });
        return row("modehop Kafka Streams job (exactly_once_v2)", r);
    }

    static Phase.Result jobThroughput(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Workload w, Path state,
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
        AutoCloseable start(Topics topics, String outTopic) throws Exception;
    }

    static String row(String name, Phase.Result r) {
        return String.format("| %s | %.0f | %.0f | %.0f | %.0f | %.0f |", name, r.eventsPerSecond(), r.p50(), r.p99(),
                r.cpuPerEvent(), r.p99WithStart());
    }

    static Phase.Result measure(String name, EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Workload load,
                                Workload paced, Pipeline pipeline) throws Exception {
        for (int i = 1; i <= warmups; i++) {
            phase(name + "-w" + i, kafka, registry, load, pipeline, false);
        }
        List<Phase.Result> measured = new ArrayList<>();
        for (int i = 1; i <= passes; i++) {
            measured.add(phase(name + "-t" + (passes == 1 ? "" : i), kafka, registry, load, pipeline, false));
        }
        measured.sort(java.util.Comparator.comparingDouble(Phase.Result::eventsPerSecond));
        Phase.Result throughput = measured.get(measured.size() / 2);
        Phase.Result latency = phase(name + "-l", kafka, registry, paced, pipeline, true);
        return Phase.Result.of(throughput, latency);
    }

    /**
     * One measured phase on fresh topics with a fresh pipeline. The job's outputs are mode observations
     * (throughput) or hops (latency); a baseline's are copies of every input, each timed from its own send.
     */
    static Phase.Result phase(String prefix, EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Workload w,
                              Pipeline pipeline, boolean pacedForLatency) throws Exception {
        String copyTopic = prefix + ".copy";
        Topics topics = Phase.freshTopics(kafka, Map.of(AvroSerdes.REGISTRY_URL, registry.url()), prefix, copyTopic);
        boolean isJob = prefix.startsWith("job");
        String watched = isJob ? (pacedForLatency ? topics.hopDetected.name() : topics.modeObserved.name()) : copyTopic;
        int expected = isJob ? (pacedForLatency ? w.hops() : w.observations()) : w.events();
        try (AutoCloseable stopper = pipeline.start(topics, copyTopic)) {
            return new Phase(prefix, kafka, topics, w, pacedForLatency, watched, expected, true,
                    isJob && pacedForLatency ? Phase.hops(topics) : Phase.copies()).run();
        } finally {
            Phase.dropTopics(kafka);
        }
    }

    static void startAndWait(KafkaStreams s) throws InterruptedException {
        s.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (s.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
