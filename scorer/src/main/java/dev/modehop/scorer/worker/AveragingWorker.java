package dev.modehop.scorer.worker;

import dev.modehop.core.AveragingOutcome;
import dev.modehop.events.AveragingRequest;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.HopAveraging;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import dev.modehop.schemas.registry.TransientRegistryException;
import dev.modehop.probes.ProbeSuite;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The scorers' averaging task, beside {@link ScorerWorker}: a member of its own consumer group on
 * {@code hop.averaging.requested}; for each request it finds the checkpoints around the hop in the run's
 * announcements (it reads all of {@code checkpoint.ready} into a {@link CheckpointIndex}, waiting up to
 * {@code windowWait} for the window's later checkpoints to be announced), runs the {@link AveragingEvaluation} and
 * writes one {@code hop.averaging} record keyed by run, then commits (at-least-once; the record's id is
 * deterministic). A request it cannot serve (step never announced, folders gone, architectures differ) is
 * answered with a REFUSED record and its reason, not dropped; an undecodable one goes to the request topic's
 * DLQ. Kafka errors end {@link #run()} with the offset uncommitted.
 */
public final class AveragingWorker implements Runnable, AutoCloseable {
    /**
     * @param checkpoints  the window when a request names none
     * @param learningRate of the one-step test when a request names none
     * @param windowWait   how long to wait for the window's checkpoints after the hop to be announced
     */
    public record Settings(int checkpoints, double learningRate, Duration windowWait) {
        public static Settings defaults() {
            return new Settings(AveragingOutcome.DEFAULT_CHECKPOINTS, AveragingEvaluation.DEFAULT_LEARNING_RATE,
                    Duration.ofMinutes(10));
        }
    }

    private final Consumer<String, byte[]> requests;
    private final Consumer<String, byte[]> announcements;
    private final Producer<String, byte[]> out;
    private final Topics topics;
    private final AveragingEvaluation test;
    private final Settings settings;
    private final String scorerId;
    private final PrintStream log;
    private final CheckpointIndex index = new CheckpointIndex();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private List<TopicPartition> indexed;

    public AveragingWorker(Consumer<String, byte[]> requests, Consumer<String, byte[]> announcements,
                           Producer<String, byte[]> out, Topics topics, AveragingEvaluation test, Settings settings,
                           String scorerId, PrintStream log) {
        this.requests = requests;
        this.announcements = announcements;
        this.out = out;
        this.topics = topics;
        this.test = test;
        this.settings = settings;
        this.scorerId = scorerId;
        this.log = log;
    }

    /** A worker with real Kafka clients; {@code groupId} is the averaging group (not the scoring one). */
    public static AveragingWorker create(Map<String, Object> kafka, String groupId, Topics topics,
                                         ScorerSettings scorer, Settings settings, String scorerId, PrintStream log) {
        Map<String, Object> c = CommitEachRecord.consumerConfig(kafka, groupId, scorerId + "-averaging");
        Map<String, Object> a = new HashMap<>(kafka);
        a.remove(ConsumerConfig.GROUP_ID_CONFIG);
        a.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        a.put(ConsumerConfig.CLIENT_ID_CONFIG, scorerId + "-averaging-index");
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putAll(kafka);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, scorerId + "-averaging");
        return new AveragingWorker(new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer()),
                new KafkaConsumer<>(a, new StringDeserializer(), new ByteArrayDeserializer()),
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer()), topics,
                new AveragingEvaluation(scorer), settings, scorerId, log);
    }

    @Override
    public void run() {
        requests.subscribe(List.of(topics.averagingRequested.name()));
        try {
            CommitEachRecord.run(requests, running, this::handle);
        } finally {
            requests.close();
            announcements.close();
            out.close();
        }
    }

    @Override
    public void close() {
        running.set(false);
        requests.wakeup();
    }

    /** Answers one request record (or dead-letters it); returns what was written, null for a dead letter. */
    public HopAveraging handle(ConsumerRecord<String, byte[]> record) {
        Topic<AveragingRequest> source = topics.averagingRequested;
        AveragingRequest request;
        try {
            request = source.valueSerde().deserializer().deserialize(record.topic(), record.headers(), record.value());
            if (request == null) {
                deadLetter(record, "empty value (tombstone)");
                return null;
            }
        } catch (TransientRegistryException e) {
            throw e;
        } catch (RuntimeException e) {
            deadLetter(record, "cannot decode AveragingRequest: " + e.getMessage());
            return null;
        }
        long t0 = System.nanoTime();
        String label = "run " + request.getRunId() + " hop at step " + request.getHopStep();
        int n = request.getCheckpoints() > 0 ? request.getCheckpoints() : settings.checkpoints();
        double lr = request.getLearningRate() != null ? request.getLearningRate() : settings.learningRate();
        List<Long> window = awaitWindow(request.getRunId(), request.getHopStep(), n);
        HopAveraging result;
        if (window.isEmpty()) {
            result = AveragingRecords.refused(request, "step " + request.getHopStep() + " of run " + request.getRunId()
                    + " was never announced on " + topics.checkpointReady.name(), List.of(), scorerId, millis(t0), now());
        } else {
            List<AveragingEvaluation.Checkpoint> folders = new ArrayList<>();
            String problem = null;
            for (long s : window) {
                try {
                    folders.add(new AveragingEvaluation.Checkpoint(s, ScorerWorker.folder(index.announcement(request.getRunId(), s).getUri())));
                } catch (RuntimeException e) {
                    problem = "step " + s + ": " + e.getMessage();
                }
            }
            if (problem != null) {
                result = AveragingRecords.refused(request, problem, window, scorerId, millis(t0), now());
            } else {
                try {
                    // the suite the hop's checkpoint was scored on, so the sides match the published scores
                    ProbeSuite suite = test.suite(index.announcement(request.getRunId(), request.getHopStep()).getSuite());
                    AveragingEvaluation.Result r = test.run(folders, request.getHopStep(), suite, lr);
                    result = AveragingRecords.done(request, r, scorerId, millis(t0), now());
                } catch (AveragingEvaluation.Refused e) {
                    result = AveragingRecords.refused(request, e.getMessage(), window, scorerId, millis(t0), now());
                } catch (RuntimeException e) {
                    result = AveragingRecords.refused(request, "averaging failed: " + e, window, scorerId, millis(t0), now());
                }
            }
        }
        send(topics.hopAveraging.name(), request.getRunId(),
                topics.hopAveraging.valueSerde().serializer().serialize(topics.hopAveraging.name(), result), null);
        log.println("[" + scorerId + "] averaging " + label + ": " + describe(result));
        return result;
    }

    /** One line for logs and the demo. */
    public static String describe(HopAveraging r) {
        if (r.getStatus() == dev.modehop.events.AveragingStatus.REFUSED) {
            return "refused: " + r.getReason();
        }
        StringBuilder sb = new StringBuilder("steps " + r.getSteps() + ":");
        r.getFamilies().forEach(f -> sb.append(String.format(Locale.ROOT, " %s %s (%.2f -> %.2f, average %.2f %s)",
                f.getFamily(), f.getOutcome(), f.getOldAccuracy(), f.getNewAccuracy(), f.getAverageAccuracy(),
                f.getAverageMode())));
        var s = r.getOneStep();
        if (s != null && s.getStatus() == dev.modehop.events.OneStepStatus.DONE) {
            sb.append(String.format(Locale.ROOT, "; one step at lr %.0e:", s.getLearningRate()));
            s.getFamilies().forEach(f -> sb.append(String.format(Locale.ROOT, " %s moves %.4f (hop %.4f)",
                    f.getFamily(), f.getProbabilityChange(), f.getHopProbabilityChange())));
        } else if (s != null) {
            sb.append("; one step: ").append(s.getStatus()).append(" ").append(s.getReason());
        }
        return sb.toString();
    }

    /**
     * The window's steps once the announcements hold them (up to {@code windowWait} for those after the hop);
     * empty when the hop's step itself was never announced by then.
     */
    private List<Long> awaitWindow(String runId, long hopStep, int n) {
        long deadline = System.nanoTime() + settings.windowWait().toNanos();
        while (true) {
            catchUp();
            List<Long> steps = index.steps(runId);
            int i = steps.indexOf(hopStep);
            boolean complete = i >= 0 && steps.size() - 1 - i >= AveragingOutcome.neededAfter(n);
            if (complete || System.nanoTime() >= deadline || !running.get()) {
                return AveragingOutcome.window(steps, hopStep, n);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return AveragingOutcome.window(steps, hopStep, n);
            }
        }
    }

    /** Reads checkpoint.ready up to its current end into the index. */
    private void catchUp() {
        Topic<CheckpointReady> t = topics.checkpointReady;
        if (indexed == null) {
            indexed = announcements.partitionsFor(t.name()).stream()
                    .map(p -> new TopicPartition(t.name(), p.partition())).toList();
            announcements.assign(indexed);
            announcements.seekToBeginning(indexed);
        }
        Map<TopicPartition, Long> end = announcements.endOffsets(indexed);
        while (indexed.stream().anyMatch(p -> announcements.position(p) < end.get(p))) {
            for (ConsumerRecord<String, byte[]> r : announcements.poll(Duration.ofMillis(200))) {
                try {
                    CheckpointReady c = t.valueSerde().deserializer().deserialize(r.topic(), r.headers(), r.value());
                    if (c != null) {
                        index.add(c);
                    }
                } catch (TransientRegistryException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // the scoring worker dead-letters bad announcements; here they only name no folder
                }
            }
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        Headers h = new RecordHeaders(record.headers().toArray());
        h.add(ScorerWorker.DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
        h.add(ScorerWorker.DLQ_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        h.add(ScorerWorker.DLQ_PARTITION, Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        h.add(ScorerWorker.DLQ_OFFSET, Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        send(topics.averagingRequested.dlq(), record.key(), record.value(), h);
        log.println("[" + scorerId + "] " + record.topic() + "-" + record.partition() + "@" + record.offset() + " -> "
                + topics.averagingRequested.dlq() + ": " + reason);
    }

    private void send(String topic, String key, byte[] value, Headers headers) {
        try {
            out.send(new ProducerRecord<>(topic, null, key, value, headers)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while sending", e);
        } catch (ExecutionException e) {
            throw new KafkaException("send failed: " + e.getCause(), e.getCause());
        }
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
