package dev.modehop.embedded.bench;

import dev.modehop.embedded.EmbeddedKafka;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ModeHop;
import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.ProbeScores;
import dev.modehop.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One measured phase of an engine benchmark, against a pipeline the caller has started on {@code topics}:
 * produce the workload (all at once for throughput, or paced at 20 checkpoints/s per run for latency), read
 * {@code watched} until {@code expected} outputs are visible to a read_committed consumer (at most 180 s).
 * <ul>
 *   <li>Throughput: input events per second from the first input produced to the poll that returned the last
 *       output.</li>
 *   <li>Latency (paced): from a checkpoint's last probe score sent to the poll that returned its output (a hop
 *       keyed run/step, or a baseline's copy of each score, see {@link #copies()}); p50 is the middle sample of
 *       the sorted list, p99 the one at index {@code floor(0.99 n)}. Both leave out the outputs of each run's
 *       first {@link #settlingCheckpoints} checkpoints, the pipeline's first seconds: a fresh pipeline's first
 *       outputs (before its first transactions, fetches and every output topic's metadata) took 173-288 ms in
 *       the job and 216-825 ms in the copy, and they alone made either's p99 (bench/README.md, "Stream job:
 *       latency of a running pipeline"). {@code p99WithStart} keeps them.</li>
 *   <li>CPU: the whole process's CPU time (pipeline, broker, load generator and reader) per input event, and
 *       where it went, thread by thread as the kernel counts it ({@link ThreadCpu}: JIT and GC included).</li>
 * </ul>
 *
 * @param name     prefix of the progress line and the reader's group
 * @param tagged   whether each input carries a {@code bench-id} header (ready+step, step/family) that a
 *                 pass-through copies along, so {@link #copies()} can time each copy
 * @param key      the send-time key of an output; null when nothing is timed
 */
public record Phase(String name, EmbeddedKafka kafka, Topics topics, Workload workload, boolean paced, String watched,
                    long expected, boolean tagged, Function<ConsumerRecord<String, byte[]>, String> key) {

    /**
     * {@code cpuPerEvent} in microseconds; on a shared machine the wall-clock figures move with other load,
     * this one much less, so rows of different runs compare by it. {@code samples}: latencies taken.
     */
    public record Result(double eventsPerSecond, double p50, double p99, double cpuPerEvent, int samples,
                         double p99WithStart) {
        /** A table row's figures: throughput and CPU from the unpaced phase, latencies from the paced one. */
        public static Result of(Result throughput, Result latency) {
            return new Result(throughput.eventsPerSecond, latency.p50, latency.p99, throughput.cpuPerEvent,
                    latency.samples, latency.p99WithStart);
        }
    }

    /** Steps of the workload's checkpoints: {@code STEP * i} for the i-th. */
    private static final long STEP = 50;

    /**
     * Checkpoints at the start of each run whose outputs the paced latency leaves out: half the workload, at most
     * 40 (two seconds at 20 checkpoints/s per run; a fresh job's outputs were slow for about the first 25).
     */
    public static int settlingCheckpoints(Workload paced) {
        return Math.min(40, paced.checkpoints() / 2);
    }

    /** The step in a send-time key ({@code run/step} or {@code run/step/family}). */
    private static long stepOf(String key) {
        int from = key.indexOf('/') + 1;
        int to = key.indexOf('/', from);
        return Long.parseLong(to < 0 ? key.substring(from) : key.substring(from, to));
    }

    /** Fresh topics (and {@code extra} ones) of prefix {@code prefix + "."}, 2 partitions each. */
    public static Topics freshTopics(EmbeddedKafka kafka, Map<String, String> serdes, String prefix, String... extra) {
        Topics topics = Topics.create(prefix + ".", serdes);
        List<String> names = new ArrayList<>(topics.allNamesWithDlq());
        names.addAll(List.of(extra));
        kafka.createTopics(names, 2);
        return topics;
    }

    /**
     * Deletes every topic but internal ones ({@code _...}: the broker's, a schema registry's {@code _schemas})
     * once a phase's pipeline is closed: its inputs, outputs and the pipeline's changelogs. Left in place, the old changelogs kept the broker's log cleaner
     * busy and its partitions counted against every later phase (a later job's p99 latency rose by half).
     */
    public static void dropTopics(EmbeddedKafka kafka) {
        try (var admin = kafka.admin()) {
            List<String> names = new ArrayList<>();
            for (String n : admin.listTopics().names().get(30, java.util.concurrent.TimeUnit.SECONDS)) {
                if (!n.startsWith("_")) {
                    names.add(n);
                }
            }
            admin.deleteTopics(names).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            System.out.printf("  (topics of the phase not deleted: %s)%n", e.getMessage());
        }
    }

    /** A hop's key: the run/step of the checkpoint whose last score was timed. */
    public static Function<ConsumerRecord<String, byte[]>, String> hops(Topics topics) {
        return rec -> {
            ModeHop h = topics.hopDetected.valueSerde().deserializer().deserialize(rec.topic(), rec.value());
            return h.getRunId() + "/" + h.getStep();
        };
    }

    /** A tagged input's copy: its key and {@code bench-id} header, so run/step/family for a score. */
    public static Function<ConsumerRecord<String, byte[]>, String> copies() {
        return rec -> rec.key() + "/" + (rec.headers().lastHeader("bench-id") == null ? ""
                : new String(rec.headers().lastHeader("bench-id").value(), StandardCharsets.UTF_8));
    }

    public Result run() throws InterruptedException {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        long seen;
        long elapsed;
        long cpu;
        List<Long> sorted;
        List<Long> withStart;
        ThreadCpu threads0;
        String threads;
        try (LatencyReader reader = new LatencyReader(kafka, name + "-reader", watched, key, paced ? sentAt : null);
             KafkaProducer<String, byte[]> p = BenchmarkClients.producer(kafka)) {
            awaitLeaders(p, List.of(topics.checkpointReady.name(), topics.probeScored.name()));
            long start = System.nanoTime();
            long cpu0 = processCpuNanos();
            threads0 = ThreadCpu.now();
            produce(p, sentAt);
            reader.await(expected, Duration.ofSeconds(180));
            cpu = processCpuNanos() - cpu0;
            threads = ThreadCpu.now().perEventSince(threads0, workload.events());
            seen = reader.seen();
            elapsed = reader.lastSeenNanos() - start;
            long settled = STEP * (paced ? settlingCheckpoints(workload) : 0);
            sorted = reader.sortedLatencies(k -> stepOf(k) > settled);
            withStart = reader.sortedLatencies(k -> true);
        }
        if (seen != expected) {
            System.out.printf("  %s: %d of %d outputs arrived%n", name, seen, expected);
        }
        double eps = workload.events() / (elapsed / 1e9);
        double p50 = sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2) / 1e6;
        double p99 = p99(sorted);
        double p99WithStart = p99(withStart);
        double cpuPerEvent = cpu / 1e3 / workload.events();
        System.out.printf("  %s: %d outputs in %.2f s (%.0f input events/s, process CPU %.0f us per event)%s%n", name,
                seen, elapsed / 1e9, eps, cpuPerEvent, paced ? String.format(", latency p50 %.0f ms p99 %.0f ms over %d"
                        + " samples after each run's first %d checkpoints; p99 %.0f ms over all %d", p50, p99,
                        sorted.size(), settlingCheckpoints(workload), p99WithStart, withStart.size()) : "");
        if (!threads.isEmpty()) {
            System.out.printf("    %s%n", threads);
        }
        return new Result(eps, p50, p99, cpuPerEvent, sorted.size(), p99WithStart);
    }

    /** The sample at index {@code floor(0.99 n)} of sorted nanoseconds, in milliseconds; NaN for none. */
    private static double p99(List<Long> sorted) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))) / 1e6;
    }

    /**
     * Waits until the producer's metadata names a leader for every partition of {@code inputs}, fresh topics,
     * before the clock starts. Passes whose load producer lost a batch to an out-of-order sequence error on the
     * in-process broker waited out their timeout for outputs that never came; with this wait such a pass became
     * rarer, not impossible (bench/README.md, "Stream job: no record cache under the write-back").
     */
    private static void awaitLeaders(KafkaProducer<String, byte[]> p, List<String> inputs) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (String topic : inputs) {
            while (p.partitionsFor(topic).stream().anyMatch(info -> info.leader() == null || info.leader().isEmpty())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no leader for every partition of " + topic + " within 30 s");
                }
                Thread.sleep(20);
            }
        }
    }

    /** The workload, checkpoint by checkpoint across the runs; a checkpoint's last score is timed as sent. */
    private void produce(KafkaProducer<String, byte[]> p, Map<String, Long> sentAt) throws InterruptedException {
        for (int i = 1; i <= workload.checkpoints(); i++) {
            long step = STEP * i;
            for (int r = 0; r < workload.runs(); r++) {
                String run = "run" + r;
                long now = System.currentTimeMillis();
                CheckpointReady ready = CheckpointReady.newBuilder().setRunId(run).setStep(step).setTokensSeen(step)
                        .setUri("/bench/" + step).setProducedAt(now).build();
                send(p, topics.checkpointReady.name(), run, "ready" + step,
                        topics.checkpointReady.valueSerde().serializer().serialize(topics.checkpointReady.name(), ready));
                for (int f = 0; f < workload.families(); f++) {
                    double acc = Workload.accuracy(i, r, f);
                    String family = "family" + f;
                    ProbeScore s = ProbeScores.counted(run, step, "bench", family, "main", 512, acc, 2 * acc - 1)
                            .setTaskCount(workload.families()).setProducedAt(now).build();
                    String id = step + "/" + family;
                    if (f == workload.families() - 1) {
                        sentAt.put(run + "/" + step, System.nanoTime());
                    }
                    if (tagged) {
                        sentAt.putIfAbsent(run + "/" + id, System.nanoTime());
                    }
                    send(p, topics.probeScored.name(), run, id,
                            topics.probeScored.valueSerde().serializer().serialize(topics.probeScored.name(), s));
                }
            }
            if (paced) {
                p.flush();
                Thread.sleep(50);
            }
        }
        p.flush();
    }

    private void send(KafkaProducer<String, byte[]> p, String topic, String k, String benchId, byte[] value) {
        ProducerRecord<String, byte[]> rec = new ProducerRecord<>(topic, k, value);
        if (tagged) {
            rec.headers().add("bench-id", benchId.getBytes(StandardCharsets.UTF_8));
        }
        p.send(rec);
    }

    /** CPU time of this JVM so far (every thread), nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
