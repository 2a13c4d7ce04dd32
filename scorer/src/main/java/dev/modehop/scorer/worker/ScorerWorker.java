package dev.modehop.scorer.worker;

import dev.modehop.events.CheckpointPredictors;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ProbeScore;
import dev.modehop.events.ScoringProgress;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import dev.modehop.schemas.registry.TransientRegistryException;
import dev.modehop.step.DeadLetters;
import dev.modehop.scorer.checkpoint.CheckpointException;
import dev.modehop.scorer.generation.GenerativeScorer;
import dev.modehop.scorer.generation.MatchRateScore;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.scorer.scoring.ContextOverflow;
import dev.modehop.scorer.scoring.ProgressListener;
import dev.modehop.scorer.scoring.TaskScore;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A member of the scorer consumer group: reads {@code checkpoint.ready}, scores each checkpoint and writes one
 * {@code probe.scored} record per (family, task), keyed by run id, then commits the offset (at-least-once; the
 * records' deterministic ids make duplicates harmless). A record that cannot be used (undecodable value,
 * unknown suite, checkpoint that fails to load or score) goes unchanged to {@code checkpoint.ready.dlq} with
 * the reason in headers, and the worker moves on. Generative tasks are sampled after the choice tasks and publish
 * their match rate ({@code metric = match_rate}); one that cannot be sampled (a prompt longer than the model's
 * context) is logged and left out, while the checkpoint's other tasks publish. After the scores, one {@code checkpoint.predictors} record
 * (parameter L2 norm, RankMe and participation ratio of one layer's activations) follows on its own topic,
 * also keyed by run id, unless predictors are off; when they fail the scores still go out and the failure is
 * logged (a record whose activation part failed carries only the L2 norm). Kafka errors are not swallowed: the offset stays
 * uncommitted and the exception ends {@link #run()}.
 *
 * <p>Scoring a checkpoint can take minutes, during which the consumer does not poll: {@link #create} sets
 * {@code max.poll.records=1} and a long {@code max.poll.interval.ms}; override them in the properties.
 */
public final class ScorerWorker implements Runnable, AutoCloseable {
    /** Dead-letter headers: the stream job's ({@link DeadLetters}). */
    public static final String DLQ_REASON = DeadLetters.REASON;
    public static final String DLQ_TOPIC = DeadLetters.SOURCE_TOPIC;
    public static final String DLQ_PARTITION = DeadLetters.SOURCE_PARTITION;
    public static final String DLQ_OFFSET = DeadLetters.SOURCE_OFFSET;
    /** The file a CheckpointException named. */
    public static final String DLQ_FILE = DeadLetters.FILE;
    public static final String DLQ_ERROR = DeadLetters.ERROR;

    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> deadLetters;
    private final Producer<String, ProbeScore> scores;
    private final Producer<String, CheckpointPredictors> predictors;
    private final Topic<CheckpointReady> source;
    private final Topic<ProbeScore> sink;
    private final Topic<CheckpointPredictors> predictorSink;
    /** Where signs of life go while a checkpoint is scored; null for none. */
    private final Topic<ScoringProgress> progressSink;
    private final CheckpointScoring scoring;
    private final String scorerId;
    private final PrintStream log;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private long recordedSkipped;
    private volatile ScorerListener listener = ScorerListener.NONE;

    /** What became of one record. */
    /** SKIPPED: an announcement replayed from a recorded history, whose scores came with it (not bad input). */
    public enum Outcome { SCORED, DEAD_LETTERED, SKIPPED }

    public ScorerWorker(Consumer<String, byte[]> consumer, Producer<String, byte[]> deadLetters,
                        Producer<String, ProbeScore> scores, Producer<String, CheckpointPredictors> predictors,
                        Topic<CheckpointReady> source, Topic<ProbeScore> sink, Topic<CheckpointPredictors> predictorSink,
                        CheckpointScoring scoring, String scorerId, PrintStream log) {
        this(consumer, deadLetters, scores, predictors, source, sink, predictorSink, null, scoring, scorerId, log);
    }

    /**
     * @param progressSink where the worker announces that it started scoring a checkpoint and how far it got
     *                     (sent with the raw producer of {@code deadLetters}); null for no announcements
     */
    public ScorerWorker(Consumer<String, byte[]> consumer, Producer<String, byte[]> deadLetters,
                        Producer<String, ProbeScore> scores, Producer<String, CheckpointPredictors> predictors,
                        Topic<CheckpointReady> source, Topic<ProbeScore> sink, Topic<CheckpointPredictors> predictorSink,
                        Topic<ScoringProgress> progressSink, CheckpointScoring scoring, String scorerId,
                        PrintStream log) {
        this.progressSink = progressSink;
        this.consumer = consumer;
        this.deadLetters = deadLetters;
        this.scores = scores;
        this.predictors = predictors;
        this.source = source;
        this.sink = sink;
        this.predictorSink = predictorSink;
        this.scoring = scoring;
        this.scorerId = scorerId;
        this.log = log;
    }

    /**
     * A worker with real Kafka clients.
     *
     * @param kafka   client properties ({@code bootstrap.servers}, security, overrides of the defaults here)
     * @param groupId the consumer group all scorer workers share
     */
    public static ScorerWorker create(Map<String, Object> kafka, String groupId, Topics topics, ScorerSettings settings,
                                      String scorerId, PrintStream log) {
        return create(kafka, groupId, null, topics, settings, scorerId, log);
    }

    /**
     * As above, as a static member of the group when {@code groupInstanceId} is not null: a worker restarted
     * under the same id gets its partitions back at once, without waiting out the session timeout.
     */
    public static ScorerWorker create(Map<String, Object> kafka, String groupId, String groupInstanceId, Topics topics,
                                      ScorerSettings settings, String scorerId, PrintStream log) {
        Map<String, Object> c = CommitEachRecord.consumerConfig(kafka, groupId, scorerId + "-consumer");
        if (groupInstanceId != null) {
            c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId);
        }
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putAll(kafka);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, scorerId + "-producer");
        Map<String, Object> dlq = new HashMap<>(p);
        dlq.put(ProducerConfig.CLIENT_ID_CONFIG, scorerId + "-dlq");
        Map<String, Object> pred = new HashMap<>(p);
        pred.put(ProducerConfig.CLIENT_ID_CONFIG, scorerId + "-predictors");
        return new ScorerWorker(
                new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer()),
                new KafkaProducer<>(dlq, new StringSerializer(), new ByteArraySerializer()),
                new KafkaProducer<>(p, new StringSerializer(), topics.probeScored.valueSerde().serializer()),
                new KafkaProducer<>(pred, new StringSerializer(), topics.checkpointPredictors.valueSerde().serializer()),
                topics.checkpointReady, topics.probeScored, topics.checkpointPredictors, topics.scoringProgress,
                new CheckpointScoring(settings),
                scorerId, log);
    }

    /** Who hears of assignments, scored checkpoints and dead letters (metrics, readiness); set before {@link #run()}. */
    public ScorerWorker listener(ScorerListener listener) {
        this.listener = listener == null ? ScorerListener.NONE : listener;
        return this;
    }

    /** Polls until {@link #close()} (from another thread) or a Kafka error. */
    @Override
    public void run() {
        consumer.subscribe(List.of(source.name()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                listener.onAssigned(consumer.assignment());
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }
        });
        try {
            CommitEachRecord.run(consumer, running, this::handle);
        } finally {
            consumer.close();
            scores.close();
            predictors.close();
            deadLetters.close();
        }
    }

    /** Stops the loop after the checkpoint in progress; safe from any thread. */
    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
    }

    /** Scores one {@code checkpoint.ready} record or dead-letters it. Exposed for tests and replays. */
    public Outcome handle(ConsumerRecord<String, byte[]> record) {
        CheckpointReady event;
        try {
            event = source.valueSerde().deserializer().deserialize(record.topic(), record.headers(), record.value());
            if (event == null) {
                return deadLetter(record, "empty value (tombstone)", null, null);
            }
        } catch (TransientRegistryException e) {
            // A valid record whose schema could not be fetched yet: stop without committing, so it is
            // scored after the restart (health check) instead of being dead-lettered.
            throw e;
        } catch (RuntimeException e) {
            return deadLetter(record, "cannot decode CheckpointReady: " + e.getMessage(), null, e);
        }
        if (dev.modehop.core.CheckpointReady.isRecorded(event.getUri())) {
            // one line per hundred: a replayed history announces every step
            if (recordedSkipped++ % 100 == 0) {
                log.println("[" + scorerId + "] " + record.topic() + "-" + record.partition() + "@" + record.offset()
                        + " skipped: replayed from a recorded history (" + recordedSkipped + " so far)");
            }
            return Outcome.SKIPPED;
        }
        String label = "run " + event.getRunId() + " step " + event.getStep();
        Path folder;
        try {
            folder = folder(event.getUri());
        } catch (IllegalArgumentException e) {
            return deadLetter(record, e.getMessage(), null, e);
        }
        ProbeSuite suite;
        try {
            suite = scoring.suite(event.getSuite());
        } catch (RuntimeException e) {
            return deadLetter(record, "suite: " + e.getMessage(), null, e);
        }
        long t0 = System.nanoTime();
        CheckpointScoring.Result result;
        try {
            announce(event, suite.name(), 0, 0);
            ProgressListener progress = p -> {
                log.println("[" + scorerId + "] " + label + " " + suite.name() + ": " + p.describe());
                announce(event, suite.name(), p.itemsDone(), p.itemsTotal());
            };
            result = scoring.score(folder, suite, progress);
        } catch (CheckpointException e) {
            return deadLetter(record, e.getMessage(), e.file(), e);
        } catch (RuntimeException e) {
            return deadLetter(record, "scoring failed: " + e, null, e);
        }
        long durationMs = (System.nanoTime() - t0) / 1_000_000;
        List<ProbeScore> out = CheckpointScores.of(event.getRunId(), event.getStep(), result.score(), result.generative(),
                scorerId, durationMs, System.currentTimeMillis());
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (ProbeScore s : out) {
            sent.add(scores.send(new ProducerRecord<>(sink.name(), event.getRunId(), s)));
        }
        scores.flush();
        await(sent);
        int items = 0;
        for (TaskScore t : result.score().tasks()) {
            items += t.items();
        }
        listener.onScored(items, Duration.ofMillis(durationMs),
                Duration.ofMillis(Math.max(0, System.currentTimeMillis() - event.getProducedAt())));
        log.println("[" + scorerId + "] " + label + " scored on " + suite.name() + " " + suite.version() + " in "
                + durationMs + " ms (" + result.device() + "): " + summary(result.score().tasks())
                + matchRates(result.generative().tasks()));
        for (GenerativeScorer.Failure f : result.generative().failures()) {
            // one task lost, not the checkpoint: its other records went out and taskCount does not count it
            log.println("[" + scorerId + "] " + label + " generative task " + f.family() + "/" + f.task()
                    + " not scored: " + f.reason());
        }
        for (ContextOverflow o : result.score().overflows()) {
            log.println("[" + scorerId + "] " + label + " warning: " + o.describe());
        }
        if (result.predictorsError() != null) {
            log.println("[" + scorerId + "] " + label + " predictors failed (scores were sent): " + result.predictorsError());
        }
        if (result.predictors() != null) {
            CheckpointPredictors p = PredictorRecords.of(event.getRunId(), event.getStep(), suite.name(),
                    result.predictors(), scorerId, System.currentTimeMillis());
            Future<RecordMetadata> f = predictors.send(new ProducerRecord<>(predictorSink.name(), event.getRunId(), p));
            predictors.flush();
            await(List.of(f));
            log.println("[" + scorerId + "] " + label + " predictors: " + result.predictors().describe());
        }
        return Outcome.SCORED;
    }

    /**
     * A sign of life for the stream job, whose missing-scores deadline counts from the last one: a slow
     * checkpoint is not a missing one. Not awaited: a lost announcement only moves the deadline less.
     */
    private void announce(CheckpointReady event, String suite, int itemsDone, int itemsTotal) {
        if (progressSink == null) {
            return;
        }
        ScoringProgress p = ScoringProgress.newBuilder().setRunId(event.getRunId()).setStep(event.getStep())
                .setSuite(suite).setScorerId(scorerId).setItemsDone(itemsDone).setItemsTotal(itemsTotal)
                .setProducedAt(System.currentTimeMillis()).build();
        deadLetters.send(new ProducerRecord<>(progressSink.name(), event.getRunId(),
                progressSink.valueSerde().serializer().serialize(progressSink.name(), p)));
    }

    /** A local path or a {@code file:} URI. */
    static Path folder(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("checkpoint uri is empty");
        }
        int colon = uri.indexOf(':');
        int slash = uri.indexOf('/');
        boolean hasScheme = colon > 1 && (slash < 0 || colon < slash);
        if (!hasScheme) {
            return Path.of(uri);
        }
        URI parsed = URI.create(uri);
        if (!"file".equalsIgnoreCase(parsed.getScheme())) {
            throw new IllegalArgumentException("checkpoint uri scheme '" + parsed.getScheme()
                    + "' is not supported (a local path or file: URI; mount remote storage first)");
        }
        return Path.of(parsed);
    }

    private Outcome deadLetter(ConsumerRecord<String, byte[]> record, String reason, Path file, Throwable error) {
        Headers h = new RecordHeaders(record.headers().toArray());
        h.add(DLQ_REASON, bytes(reason));
        h.add(DLQ_TOPIC, bytes(record.topic()));
        h.add(DLQ_PARTITION, bytes(Integer.toString(record.partition())));
        h.add(DLQ_OFFSET, bytes(Long.toString(record.offset())));
        if (file != null) {
            h.add(DLQ_FILE, bytes(file.toString()));
        }
        if (error != null) {
            h.add(DLQ_ERROR, bytes(error.getClass().getName()));
        }
        Future<RecordMetadata> f = deadLetters.send(new ProducerRecord<>(source.dlq(), null, record.key(),
                record.value(), h));
        deadLetters.flush();
        await(List.of(f));
        listener.onDeadLetter(reason);
        log.println("[" + scorerId + "] " + record.topic() + "-" + record.partition() + "@" + record.offset()
                + " -> " + source.dlq() + ": " + reason);
        return Outcome.DEAD_LETTERED;
    }

    private static void await(List<Future<RecordMetadata>> futures) {
        for (Future<RecordMetadata> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while sending", e);
            } catch (ExecutionException e) {
                throw new KafkaException("send failed: " + e.getCause(), e.getCause());
            }
        }
    }

    static String summary(List<TaskScore> tasks) {
        StringBuilder sb = new StringBuilder();
        for (TaskScore t : tasks) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(String.format(Locale.ROOT, "%s/%s %.3f (%+.3f)", t.family(), t.task(), t.hardAccuracy(),
                    t.softScore()));
        }
        return sb.toString();
    }

    static String matchRates(List<MatchRateScore> tasks) {
        StringBuilder sb = new StringBuilder();
        for (MatchRateScore t : tasks) {
            sb.append(String.format(Locale.ROOT, ", %s/%s match rate %.3f (%d questions x %d seeds x %d samples)",
                    t.family(), t.task(), t.matchRate(), t.questions(), t.seedCount(), t.samples()));
        }
        return sb.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
