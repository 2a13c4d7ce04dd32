package dev.modehop.scorer.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.events.CheckpointPredictors;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ProbeScore;
import dev.modehop.events.ScoringProgress;
import dev.modehop.schemas.Topic;
import dev.modehop.scorer.predictors.PredictorSettings;
import dev.modehop.scorer.scoring.ScoringOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorerWorkerTest {
    @TempDir
    Path dir;

    private final Topic<CheckpointReady> ready = PlainTopics.READY;
    private final Topic<ProbeScore> scored = PlainTopics.SCORED;
    private final Topic<CheckpointPredictors> predictorTopic = PlainTopics.PREDICTORS;
    private final Topic<ScoringProgress> progressTopic = PlainTopics.PROGRESS;
    private final TopicPartition partition = new TopicPartition(ready.name(), 0);
    private TrackingConsumer consumer;

    /** Records close() instead of refusing later calls, so a test can read committed offsets after run(). */
    static final class TrackingConsumer extends MockConsumer<String, byte[]> {
        boolean closedByWorker;

        TrackingConsumer() {
            super("earliest");
        }

        @Override
        public synchronized void close() {
            closedByWorker = true;
        }
    }
    private MockProducer<String, byte[]> dlq;
    private MockProducer<String, ProbeScore> scores;
    private MockProducer<String, CheckpointPredictors> predictors;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private ScorerWorker worker;

    @BeforeEach
    void setUp() {
        consumer = new TrackingConsumer();
        dlq = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        scores = new MockProducer<>(true, null, new StringSerializer(), scored.valueSerde().serializer());
        predictors = new MockProducer<>(true, null, new StringSerializer(), predictorTopic.valueSerde().serializer());
        worker = worker(ScorerSettings.builder().device("cpu").defaultSuite("toy")
                .scoring(ScoringOptions.builder().batchSize(64).build()).build());
    }

    private ScorerWorker worker(ScorerSettings settings) {
        return new ScorerWorker(consumer, dlq, scores, predictors, ready, scored, predictorTopic,
                new CheckpointScoring(settings), "scorer-test", new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    private ConsumerRecord<String, byte[]> record(long offset, String runId, long step, String uri) {
        CheckpointReady event = CheckpointReady.newBuilder().setRunId(runId).setStep(step).setUri(uri)
                .setProducedAt(1L).build();
        return new ConsumerRecord<>(ready.name(), 0, offset, runId, ready.valueSerde().serializer().serialize(ready.name(), event));
    }

    @Test
    void scoresACheckpointIntoOneRecordPerTask() throws IOException {
        Path folder = ToyCheckpoints.rigged(dir.resolve("step-100"));
        assertEquals(ScorerWorker.Outcome.SCORED, worker.handle(record(0, "run-a", 100, folder.toString())), () -> log.toString(StandardCharsets.UTF_8));
        List<ProducerRecord<String, ProbeScore>> out = scores.history();
        assertEquals(2, out.size());
        for (ProducerRecord<String, ProbeScore> r : out) {
            ProbeScore s = r.value();
            assertEquals("modehop.probe.scored", r.topic());
            assertEquals("run-a", r.key());
            assertEquals("run-a/100/" + s.getFamily() + "/k8", s.getId());
            assertEquals("toy", s.getSuite());
            assertEquals(2, s.getTaskCount());
            assertEquals(512, s.getItems());
            assertEquals(1, s.getSeedCount());
            assertEquals("scorer-test", s.getScorerId());
            assertTrue(s.getStderr() != null && s.getStderr() >= 0);
            assertTrue(s.getLogProbMargin() != null && Double.isFinite(s.getLogProbMargin()),
                    "GDsuite's mean log-probability margin is published: " + s.getLogProbMargin());
        }
        assertEquals(Set.of("flipped", "repetitive"), Set.of(out.get(0).value().getFamily(), out.get(1).value().getFamily()));
        assertTrue(dlq.history().isEmpty());
        String lines = log.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("1024/1024 items (100%)") && lines.contains("run run-a step 100 scored on toy"), lines);

        assertEquals(1, predictors.history().size(), "one predictors record per scored checkpoint");
        ProducerRecord<String, CheckpointPredictors> pr = predictors.history().get(0);
        CheckpointPredictors p = pr.value();
        assertEquals("modehop.checkpoint.predictors", pr.topic());
        assertEquals("run-a", pr.key());
        assertEquals("run-a/100/predictors", p.getId());
        assertEquals(100L, p.getStep());
        assertEquals("toy", p.getSuite());
        assertEquals(1, p.getLayer(), "default: the middle block of 2, 0-based");
        assertEquals(256, p.getPrompts(), "the toy suite's 1024 distinct prompts, capped");
        assertEquals(CheckpointAverager.parameterL2Norm(folder), p.getParameterL2Norm(), 1e-9);
        assertTrue(Double.isFinite(p.getRankMe()) && p.getRankMe() >= 1 && p.getRankMe() <= 32, "RankMe " + p.getRankMe());
        assertTrue(Double.isFinite(p.getParticipationRatio()) && p.getParticipationRatio() >= 1
                && p.getParticipationRatio() <= 32, "PR " + p.getParticipationRatio());
        assertEquals("scorer-test", p.getScorerId());
        assertTrue(lines.contains("predictors: parameter L2 norm"), lines);
    }

    @Test
    void announcesWhenItStartsAndAsItScoresSoASlowCheckpointIsNotTakenForAMissingOne() throws IOException {
        ScorerWorker announcing = new ScorerWorker(consumer, dlq, scores, predictors, ready, scored, predictorTopic,
                progressTopic, new CheckpointScoring(ScorerSettings.builder().device("cpu").defaultSuite("toy")
                .scoring(ScoringOptions.builder().batchSize(64).build()).build()), "scorer-test",
                new PrintStream(log, true, StandardCharsets.UTF_8));
        Path folder = ToyCheckpoints.rigged(dir.resolve("step-100"));
        assertEquals(ScorerWorker.Outcome.SCORED, announcing.handle(record(0, "run-a", 100, folder.toString())));
        List<ScoringProgress> progress = dlq.history().stream()
                .filter(r -> r.topic().equals(progressTopic.name()))
                .map(r -> progressTopic.valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
        assertTrue(progress.size() >= 2, "a start and at least the final report: " + progress.size());
        assertEquals(0, progress.get(0).getItemsDone(), "the first says scoring started");
        assertEquals("run-a", progress.get(0).getRunId());
        assertEquals(100, progress.get(0).getStep());
        ScoringProgress last = progress.get(progress.size() - 1);
        assertEquals(last.getItemsTotal(), last.getItemsDone(), "the last reports every item scored");
        assertTrue(dlq.history().stream().noneMatch(r -> r.topic().endsWith(".dlq")), "nothing dead-lettered");
    }

    @Test
    void aPredictorFailureKeepsTheScoresAndSendsTheNormOnly() throws IOException {
        worker = worker(ScorerSettings.builder().device("cpu").defaultSuite("toy")
                .predictors(PredictorSettings.builder().layer(7).build()).build());
        Path folder = ToyCheckpoints.random(dir.resolve("step-200"), 4);
        assertEquals(ScorerWorker.Outcome.SCORED, worker.handle(record(0, "run-d", 200, folder.toString())));
        assertEquals(2, scores.history().size(), "scores are not lost");
        CheckpointPredictors p = predictors.history().get(0).value();
        assertEquals("run-d/200/predictors", p.getId());
        assertEquals(null, p.getLayer());
        assertEquals(null, p.getRankMe());
        assertEquals(null, p.getParticipationRatio());
        assertTrue(p.getParameterL2Norm() > 0);
        String lines = log.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("predictors failed (scores were sent)") && lines.contains("layer 7 does not exist"), lines);
        assertTrue(dlq.history().isEmpty());
    }

    @Test
    void predictorsCanBeTurnedOff() throws IOException {
        worker = worker(ScorerSettings.builder().device("cpu").defaultSuite("toy")
                .predictors(PredictorSettings.off()).build());
        Path folder = ToyCheckpoints.random(dir.resolve("step-300"), 5);
        assertEquals(ScorerWorker.Outcome.SCORED, worker.handle(record(0, "run-e", 300, folder.toString())));
        assertEquals(2, scores.history().size());
        assertTrue(predictors.history().isEmpty());
    }

    @Test
    void aCheckpointThatFailsToLoadGoesToTheDlqAndTheWorkerKeepsGoing() throws IOException {
        Path good = ToyCheckpoints.rigged(dir.resolve("good"));
        Path missing = dir.resolve("missing");
        consumer.subscribe(List.of(ready.name()));
        consumer.rebalance(List.of(partition));
        consumer.updateBeginningOffsets(Map.of(partition, 0L));
        ConsumerRecord<String, byte[]> bad = record(0, "run-b", 50, missing.toString());
        ConsumerRecord<String, byte[]> garbage = new ConsumerRecord<>(ready.name(), 0, 1, "run-b", new byte[] {1, 2, 3});
        consumer.addRecord(bad);
        consumer.addRecord(garbage);
        consumer.addRecord(record(2, "run-b", 100, "file://" + good));
        consumer.schedulePollTask(() -> { });
        consumer.schedulePollTask(worker::close);
        List<String> heard = new java.util.ArrayList<>();
        worker.listener(new ScorerListener() {
            @Override
            public void onScored(int items, java.time.Duration took, java.time.Duration sinceAnnounced) {
                heard.add("scored " + items + (took.isNegative() ? " negative" : "")
                        + (sinceAnnounced.toMillis() > 0 ? "" : " not since the announcement"));
            }

            @Override
            public void onDeadLetter(String reason) {
                heard.add("dead letter");
            }
        });
        worker.run();
        assertEquals(List.of("dead letter", "dead letter", "scored 1024"), heard,
                "the listener hears every outcome where it happens, with the items the scores count");

        assertEquals(2, dlq.history().size());
        ProducerRecord<String, byte[]> dead = dlq.history().get(0);
        assertEquals("modehop.checkpoint.ready.dlq", dead.topic());
        assertEquals("run-b", dead.key());
        assertArrayEquals(bad.value(), dead.value(), "the original bytes, replayable once fixed");
        String reason = header(dead, ScorerWorker.DLQ_REASON);
        assertTrue(reason.contains(missing.toString()), reason);
        assertEquals("dev.modehop.scorer.checkpoint.CheckpointException", header(dead, ScorerWorker.DLQ_ERROR));
        assertEquals("0", header(dead, ScorerWorker.DLQ_OFFSET));
        assertTrue(header(dlq.history().get(1), ScorerWorker.DLQ_REASON).startsWith("cannot decode CheckpointReady"));

        assertEquals(2, scores.history().size(), "the good checkpoint after the bad ones was scored");
        assertEquals("run-b/100/flipped/k8", scores.history().get(0).value().getId());
        assertEquals(3L, consumer.committed(Set.of(partition)).get(partition).offset());
        assertTrue(consumer.closedByWorker);
        assertEquals(1, predictors.history().size(), "only the scored checkpoint has predictors");
        assertTrue(scores.closed() && dlq.closed() && predictors.closed(), "the worker closes its clients when it stops");
    }

    @Test
    void aGdsuiteTreeWithABadRowSendsTheCheckpointToTheDlqWithFileAndLine() throws IOException {
        Path tree = dir.resolve("gdsuite-data");
        java.nio.file.Files.createDirectories(tree.resolve("intuitive_answer"));
        java.nio.file.Files.writeString(tree.resolve("intuitive_answer/crt.jsonl"),
                "{\"split\": \"test\", \"prompt\": \"q\", \"correct_answer\": \"a\", \"incorrect_answer\": \"b\"}\n"
                        + "{\"split\": \"test\", \"prompt\": \"q\", \"correct_answer\": 5, \"incorrect_answer\": \"b\"}\n");
        Path good = ToyCheckpoints.rigged(dir.resolve("ok"));
        CheckpointReady event = CheckpointReady.newBuilder().setRunId("run-g").setStep(7).setUri(good.toString())
                .setSuite("gdsuite:" + tree).setProducedAt(1L).build();
        var outcome = worker.handle(new ConsumerRecord<>(ready.name(), 0, 0, "run-g",
                ready.valueSerde().serializer().serialize(ready.name(), event)));
        assertEquals(ScorerWorker.Outcome.DEAD_LETTERED, outcome);
        String reason = header(dlq.history().get(0), ScorerWorker.DLQ_REASON);
        assertTrue(reason.endsWith("intuitive_answer/crt.jsonl:2: field 'correct_answer' must be a string, got number"), reason);
        assertTrue(scores.history().isEmpty());
    }

    @Test
    void replayedAnnouncementsAreSkippedNotDeadLettered() {
        var outcome = worker.handle(record(0, "run-r", 50, "replay:examples/flipped-hops.csv#step50"));
        assertEquals(ScorerWorker.Outcome.SKIPPED, outcome);
        assertTrue(dlq.history().isEmpty(), "a recorded history's announcement is not bad input");
        assertTrue(scores.history().isEmpty(), "its scores came with the history");
        // a scheme that only starts the same is still a remote URI
        assertEquals(ScorerWorker.Outcome.DEAD_LETTERED, worker.handle(record(1, "run-r", 60, "replays://x/y")));
    }

    @Test
    void remoteUrisAreRefusedClearly() {
        var outcome = worker.handle(record(0, "run-c", 1, "s3://bucket/ckpt"));
        assertEquals(ScorerWorker.Outcome.DEAD_LETTERED, outcome);
        assertTrue(header(dlq.history().get(0), ScorerWorker.DLQ_REASON).contains("scheme 's3'"));
        assertEquals(Path.of("/a/b"), ScorerWorker.folder("/a/b"));
        assertEquals(Path.of("/a/b"), ScorerWorker.folder("file:///a/b"));
        assertEquals(Path.of("rel/dir"), ScorerWorker.folder("rel/dir"));
    }

    private static String header(ProducerRecord<String, byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
