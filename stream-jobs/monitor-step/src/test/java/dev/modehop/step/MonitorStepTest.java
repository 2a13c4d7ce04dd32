package dev.modehop.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.core.AlertRules;
import dev.modehop.core.MonitorConfig;
import dev.modehop.core.RunMonitor;
import dev.modehop.core.RunState;
import dev.modehop.embedded.EmbeddedServers;
import dev.modehop.events.Alert;
import dev.modehop.events.CheckpointPredictors;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.DataWindow;
import dev.modehop.events.ModeObservation;
import dev.modehop.events.PredictorCorrelation;
import dev.modehop.events.PredictorEvaluation;
import dev.modehop.events.ProbeScore;
import dev.modehop.events.ScoringProgress;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import dev.modehop.schemas.ProbeScores;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The engine-neutral step on an in-memory store: limits, poison outputs, owed verdicts, state left behind, cost. */
class MonitorStepTest {
    static final long T0 = 1_767_225_600_000L;
    @RegisterExtension
    static final EmbeddedServers SERVERS = EmbeddedServers.registry();
    static Topics topics;

    @BeforeAll
    static void start() {
        topics = Topics.create("", SERVERS.serdeConfig());
    }

    private static MonitorStep step(MonitorConfig config, StepSettings settings) {
        return new MonitorStep(topics, new RunMonitor(config), settings);
    }

    @SuppressWarnings("unchecked")
    private static StepInput input(Topic<?> topic, String key, Object value, long offset) {
        byte[] bytes = ((Serializer<Object>) topic.valueSerde().serializer()).serialize(topic.name(), value);
        return new StepInput(topic.name(), 0, offset, T0 + offset, key, bytes, new RecordHeaders());
    }

    private static CheckpointReady ready(String run, long step, long at) {
        return CheckpointReady.newBuilder().setRunId(run).setStep(step).setUri("/ckpt/" + step).setProducedAt(at)
                .build();
    }

    private static ProbeScore score(String run, long step, String family, double acc, int taskCount, long at) {
        return ProbeScores.counted(run, step, "toy", family, "main", 512, acc, 2 * acc - 1).setTaskCount(taskCount)
                .setProducedAt(at).build();
    }

    /** Block 1's RankMe follows {@code soft}; the participation ratio is noise. */
    static CheckpointPredictors predictors(String run, long step, double soft, java.util.Random random, long at) {
        List<Double> rankMe = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            rankMe.add(20 + (b == 1 ? 4 * soft : 0) + random.nextGaussian());
            ratio.add(8 + random.nextGaussian());
        }
        return CheckpointPredictors.newBuilder().setId(run + "/" + step + "/predictors").setRunId(run).setStep(step)
                .setSuite("toy").setParameterL2Norm(500 + random.nextGaussian()).setLayer(null)
                .setBlockRankMe(rankMe).setBlockParticipationRatio(ratio).setProducedAt(at).build();
    }

    private static List<String> topicsOf(List<Outgoing> out) {
        return out.stream().map(Outgoing::topic).toList();
    }

    @Test
    void aHugeFamilyNameIsRejectedAtValidationAndTheRunGoesOn() {
        MonitorStep step = step(MonitorConfig.defaults(), StepSettings.defaults());
        MemoryRunStore store = new MemoryRunStore();
        step.onRecord(store, input(topics.checkpointReady, "r", ready("r", 50, T0), 0));
        String huge = "f".repeat(600 * 1024);
        StepResult bad = step.onRecord(store, input(topics.probeScored, "r", score("r", 50, huge, 0.9, 1, T0), 1));
        assertEquals(List.of(topics.probeScored.dlq()), topicsOf(bad.outputs()));
        String reason = DeadLetters.reason(bad.outputs().get(0).headers());
        assertTrue(reason.contains("family is 614400 characters, more than the limit of " + InputLimits.MAX_NAME), reason);
        StepResult good = step.onRecord(store, input(topics.probeScored, "r", score("r", 50, "flipped", 0.9, 1, T0), 2));
        assertTrue(topicsOf(good.outputs()).contains(topics.modeObserved.name()), "the run goes on");
    }

    @Test
    void anOutputTooLargeToProduceSendsItsInputToTheDeadLetterTopicAndTheTaskGoesOn() {
        MonitorStep step = step(MonitorConfig.defaults(), StepSettings.builder().maxOutputBytes(120).build());
        MemoryRunStore store = new MemoryRunStore();
        step.onRecord(store, input(topics.checkpointReady, "r", ready("r", 50, T0), 0));
        String longName = "family-with-a-name-long-enough-to-push-the-observation-past-the-limit-" + "x".repeat(40);
        StepResult r = step.onRecord(store, input(topics.probeScored, "r", score("r", 50, longName, 0.9, 1, T0), 1));
        assertTrue(r.outputs().stream().noneMatch(o -> o.topic().equals(topics.modeObserved.name())),
                "the observation is not produced");
        Outgoing dead = r.outputs().get(r.outputs().size() - 1);
        assertEquals(topics.probeScored.dlq(), dead.topic());
        assertTrue(DeadLetters.reason(dead.headers()).contains("larger than the limit of 120 bytes"),
                DeadLetters.reason(dead.headers()));
        step.onRecord(store, input(topics.checkpointReady, "r", ready("r", 100, T0 + 10), 2));
        StepResult next = step.onRecord(store, input(topics.probeScored, "r", score("r", 100, "f", 0.9, 1, T0 + 10), 3));
        assertTrue(topicsOf(next.outputs()).contains(topics.modeObserved.name()), "the task goes on");
    }

    @Test
    void withManyFamiliesEveryVerdictIsStillOwedItsAlert() {
        AlertRules rules = AlertRules.parse("judged: when * hops to PARROT and is STABLE then alert WARN");
        MonitorStep step = step(MonitorConfig.builder().rules(rules).build(), StepSettings.defaults());
        MemoryRunStore store = new MemoryRunStore();
        int families = 157;
        long offset = 0;
        List<Alert> alerts = new ArrayList<>();
        double[] accuracy = {0.95, 0.95, 0.05, 0.05, 0.05};
        for (int c = 0; c < accuracy.length; c++) {
            long stepNo = 50L * (c + 1);
            long at = T0 + 1000L * c;
            step.onRecord(store, input(topics.checkpointReady, "r", ready("r", stepNo, at), offset++));
            for (int f = 0; f < families; f++) {
                StepResult r = step.onRecord(store, input(topics.probeScored, "r",
                        score("r", stepNo, "family" + f, accuracy[c], families, at), offset++));
                for (Outgoing o : r.outputs()) {
                    if (o.topic().equals(topics.alertRaised.name())) {
                        alerts.add(topics.alertRaised.valueSerde().deserializer().deserialize(o.topic(), o.value()));
                    }
                }
            }
        }
        assertEquals(families, alerts.size(), "one STABLE alert per family's hop, none dropped before its verdict");
    }

    @Test
    void aRunWhoseRecordsWereAllRejectedLeavesNoState() {
        MonitorStep step = step(MonitorConfig.builder().missingScoreTimeoutMs(1_000).build(), StepSettings.defaults());
        MemoryRunStore store = new MemoryRunStore();
        StepResult nan = step.onRecord(store, input(topics.probeScored, "ghost",
                score("ghost", 50, "f", Double.NaN, 1, T0), 0));
        assertEquals(List.of(topics.probeScored.dlq()), topicsOf(nan.outputs()));
        assertTrue(store.isEmpty(), "an invalid first record stores nothing");
        StepResult held = step.onRecord(store, input(topics.probeScored, "ghost", score("ghost", 50, "f", 0.9, 1, T0), 1));
        assertTrue(held.outputs().isEmpty(), "held back: it may have overtaken its announcement");
        assertEquals(T0 + 1_000, held.nextDeadline());
        StepResult expired = step.onDeadline(store, T0 + 1_000);
        assertEquals(List.of(topics.probeScored.dlq()), topicsOf(expired.outputs()), "given up, to the DLQ");
        assertTrue(expired.deleteRun(), "and the run is deleted");
    }

    @Test
    void aHeldBackScoreReachesItsDeadLetterTopicWithEveryField() {
        ProbeScore full = ProbeScores.counted("ghost", 50, "starter-en", "persona", "keeper", 6, 0.35, 0.3)
                .setId("ghost/50/persona/keeper/scorer-7").setSeedCount(4).setLogProbMargin(-1.25).setStderr(0.05)
                .setTaskCount(3).setScorerId("scorer-7").setDurationMs(1234).setProducedAt(T0)
                .setMetric("match_rate").setSamples(20).setQuestions(6).build();
        for (org.apache.avro.Schema.Field f : ProbeScore.getClassSchema().getFields()) {
            if (f.hasDefaultValue()) {
                assertNotEquals(org.apache.avro.specific.SpecificData.get().getDefaultValue(f), full.get(f.pos()),
                        f.name() + " is at its default: the test would not see it lost");
            }
        }
        for (PartCodec codec : List.of(PartCodec.binary(), PartCodec.json())) {
            MonitorStep step = step(MonitorConfig.builder().missingScoreTimeoutMs(1_000).build(),
                    StepSettings.builder().codec(codec).build());
            MemoryRunStore store = new MemoryRunStore();
            StepInput plain = input(topics.probeScored, "ghost", full, 1);
            RecordHeaders producers = new RecordHeaders();
            producers.add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes());
            producers.add("empty", null);
            StepInput in = new StepInput(plain.topic(), 3, 17, plain.timestamp(), plain.key(), plain.value(), producers);
            assertTrue(step.onRecord(store, in).outputs().isEmpty(), "held back");
            List<Outgoing> out = step.onDeadline(store, T0 + 1_000).outputs();
            assertEquals(List.of(topics.probeScored.dlq()), topicsOf(out));
            assertArrayEquals(in.value(), out.get(0).value(), "the bytes it arrived as");
            assertEquals(full, topics.probeScored.valueSerde().deserializer().deserialize(topics.probeScored.name(),
                    out.get(0).value()), "every field");
            Headers h = out.get(0).headers();
            assertArrayEquals(producers.lastHeader("traceparent").value(), h.lastHeader("traceparent").value(),
                    "the producer's headers");
            assertNull(h.lastHeader("empty").value());
            assertEquals("3", new String(h.lastHeader(DeadLetters.SOURCE_PARTITION).value()), "where it was read");
            assertEquals("17", new String(h.lastHeader(DeadLetters.SOURCE_OFFSET).value()));
        }
    }

    @Test
    void aRunExpiresAfterItsIdleTime() {
        MonitorStep step = step(MonitorConfig.defaults(), StepSettings.builder().idleExpiryMs(60_000).build());
        MemoryRunStore store = new MemoryRunStore();
        step.onRecord(store, input(topics.checkpointReady, "r", ready("r", 50, T0), 0));
        StepResult done = step.onRecord(store, input(topics.probeScored, "r", score("r", 50, "f", 0.9, 1, T0), 1));
        assertEquals(T0 + 60_000, done.nextDeadline(), "nothing waits: the next deadline is the expiry");
        assertTrue(step.onDeadline(store, T0 + 60_000).deleteRun());
    }

    @Test
    void scorerProgressKeepsASlowCheckpointAliveAndALateOneIsPublishedFlagged() {
        MonitorStep step = step(MonitorConfig.builder().missingScoreTimeoutMs(1_000).build(), StepSettings.defaults());
        MemoryRunStore store = new MemoryRunStore();
        step.onRecord(store, input(topics.checkpointReady, "r", ready("r", 50, T0), 0));
        for (int i = 1; i <= 5; i++) {
            ScoringProgress p = ScoringProgress.newBuilder().setRunId("r").setStep(50).setItemsDone(i)
                    .setItemsTotal(10).setProducedAt(T0 + 800L * i).build();
            StepResult r = step.onRecord(store, input(topics.scoringProgress, "r", p, i));
            assertTrue(r.outputs().isEmpty(), "no missing-scores alert while the scorer reports progress");
            assertEquals(T0 + 800L * i + 1_000, r.nextDeadline(), "the deadline runs from the last sign of life");
        }
        StepResult scored = step.onRecord(store, input(topics.probeScored, "r", score("r", 50, "f", 0.9, 1, T0 + 4_500), 6));
        assertTrue(topicsOf(scored.outputs()).contains(topics.modeObserved.name()), "4.5 s of scoring, processed");

        step.onRecord(store, input(topics.checkpointReady, "r", ready("r", 100, T0 + 5_000), 7));
        step.onRecord(store, input(topics.checkpointReady, "r", ready("r", 150, T0 + 5_001), 8));
        step.onRecord(store, input(topics.probeScored, "r", score("r", 150, "f", 0.9, 1, T0 + 7_000), 9));
        StepResult late = step.onRecord(store, input(topics.probeScored, "r", score("r", 100, "f", 0.1, 1, T0 + 7_100), 10));
        assertEquals(List.of(topics.modeObserved.name()), topicsOf(late.outputs()));
        ModeObservation o = topics.modeObserved.valueSerde().deserializer().deserialize("t", late.outputs().get(0).value());
        assertEquals(100, o.getStep());
        assertTrue(o.getLate(), "flagged late");
    }

    @Test
    void aScoreCostsTheSameBytesWhetherItsRunHasFourSeriesOrAHundred() {
        double four = bytesPerWaitingScore(4);
        assertEquals(four, bytesPerWaitingScore(100), four * 0.05,
                "bytes written for one score that does not complete its checkpoint");
    }

    /** Bytes stored for the scores of a checkpoint that are not its last, after 10 checkpoints of history. */
    private static double bytesPerWaitingScore(int series) {
        MonitorStep step = step(MonitorConfig.defaults(), StepSettings.defaults());
        MemoryRunStore store = new MemoryRunStore();
        long offset = 0;
        for (int c = 1; c <= 11; c++) {
            step.onRecord(store, input(topics.checkpointReady, "r", ready("r", 50L * c, T0 + c), offset++));
            long before = store.bytesWritten();
            for (int f = 0; f < series; f++) {
                step.onRecord(store, input(topics.probeScored, "r",
                        score("r", 50L * c, "family" + String.format("%03d", f), 0.9, series, T0 + c), offset++));
                if (c == 11 && f == series - 2) {
                    return (store.bytesWritten() - before) / (double) (series - 1);
                }
            }
        }
        throw new AssertionError("unreachable");
    }

    @Test
    void aCheckpointWaitingForItsScoresAddsOneStepNumberToWhatAScoreWrites() {
        double none = bytesPerScoreWithAnnouncedAhead(0);
        double many = bytesPerScoreWithAnnouncedAhead(64);
        // inline, each waiting checkpoint added its whole record (about 130 bytes) to every record's header
        assertTrue((many - none) / 64 <= 4, "bytes per score with 0 and 64 checkpoints announced ahead: " + none
                + ", " + many);
    }

    /** Bytes stored for a score that does not complete its checkpoint, with {@code ahead} later ones announced. */
    private static double bytesPerScoreWithAnnouncedAhead(int ahead) {
        MonitorStep step = step(MonitorConfig.defaults(), StepSettings.defaults());
        MemoryRunStore store = new MemoryRunStore();
        long offset = 0;
        for (int c = 1; c <= 1 + ahead; c++) {
            step.onRecord(store, input(topics.checkpointReady, "r", ready("r", 50L * c, T0), offset++));
        }
        step.onRecord(store, input(topics.probeScored, "r", score("r", 50, "family0", 0.9, 4, T0), offset++));
        long before = store.bytesWritten();
        step.onRecord(store, input(topics.probeScored, "r", score("r", 50, "family1", 0.9, 4, T0), offset++));
        assertEquals(1 + ahead, store.names(StoredRun.PENDING).size(), "one part per checkpoint in flight");
        return store.bytesWritten() - before;
    }

    @Test
    void aHeaderThatKeptItsCheckpointsInFlightInlineIsReadAndTheyComplete() {
        MonitorStep step = step(MonitorConfig.defaults(), StepSettings.defaults());
        MemoryRunStore store = new MemoryRunStore();
        step.onRecord(store, input(topics.checkpointReady, "r", ready("r", 50, T0), 0));
        step.onRecord(store, input(topics.probeScored, "r", score("r", 50, "a", 0.9, 2, T0), 1));
        // the header as it was written before checkpoints in flight were parts: inline, under "waiting"
        RunState run = StoredRun.load(store, PartCodec.binary());
        run.waiting = new java.util.TreeMap<>();
        for (long s : run.waitingSteps) {
            run.waiting.put(s, run.parts().pending(s));
            run.parts().dropPending(s);
        }
        run.waitingSteps.clear();
        StoredRun.saveHeader(store, PartCodec.binary(), run);
        assertTrue(store.names(StoredRun.PENDING).isEmpty(), "nothing in flight stored as a part");

        StepResult r = step.onRecord(store, input(topics.probeScored, "r", score("r", 50, "b", 0.9, 2, T0), 2));
        assertTrue(topicsOf(r.outputs()).contains(topics.modeObserved.name()), "the checkpoint completed: "
                + topicsOf(r.outputs()));
        RunState after = StoredRun.load(store, PartCodec.binary());
        assertEquals(null, after.waiting, "no inline checkpoints left");
        assertTrue(after.waitingSteps.isEmpty() && store.names(StoredRun.PENDING).isEmpty(), "nothing left waiting");
    }

    @Test
    void aRunThatSendsNoPredictorsStoresNoPredictorPartUntilItsFirstPredictorsCome() {
        MonitorStep step = step(MonitorConfig.defaults(), StepSettings.builder().build());
        MemoryRunStore store = new MemoryRunStore();
        long offset = 0;
        for (int c = 1; c <= 40; c++) {
            long stepNo = 50L * c;
            long at = T0 + 100L * c;
            step.onRecord(store, input(topics.checkpointReady, "r", ready("r", stepNo, at), offset++));
            step.onRecord(store, input(topics.probeScored, "r", score("r", stepNo, "flipped", 0.9, 1, at), offset++));
        }
        assertEquals(null, store.get(StoredRun.PREDICTORS), "40 checkpoints, no predictors: no predictor part");
        List<String> published = new ArrayList<>();
        for (Outgoing o : step.onRecord(store, input(topics.checkpointPredictors, "r",
                predictors("r", 2000, 0.8, new java.util.Random(5), T0 + 4_100), offset)).outputs()) {
            assertTrue(!o.isDeadLetter(), o.topic());
            published.add(o.topic());
        }
        assertEquals(List.of(topics.predictorTest.name()), published, "the processed checkpoint's predictors pair");
        assertTrue(store.get(StoredRun.PREDICTORS) != null);
    }

    @Test
    void thePredictorTestIsPublishedOnItsTopicAndItsStateDoesNotGrowWithTheRun() {
        for (PartCodec codec : List.of(PartCodec.binary(), PartCodec.json())) {
            MonitorStep step = step(MonitorConfig.defaults(), StepSettings.builder().codec(codec).build());
            MemoryRunStore store = new MemoryRunStore();
            java.util.Random random = new java.util.Random(3);
            long offset = 0;
            PredictorEvaluation last = null;
            int published = 0;
            int storedAt40 = 0;
            for (int c = 1; c <= 120; c++) {
                long stepNo = 50L * c;
                long at = T0 + 100L * c;
                double acc = ((c / 10) % 2 == 0 ? 0.9 : 0.1) + 0.02 * random.nextGaussian();
                List<StepInput> inputs = new ArrayList<>(List.of(input(topics.checkpointReady, "r", ready("r", stepNo, at), offset++),
                        input(topics.probeScored, "r", score("r", stepNo, "flipped", acc, 1, at), offset++)));
                // the predictors come before their checkpoint's score every third checkpoint, after it otherwise
                inputs.add(c % 3 == 0 ? 1 : 2, input(topics.checkpointPredictors, "r",
                        predictors("r", stepNo, 2 * acc - 1, random, at), offset++));
                for (StepInput in : inputs) {
                    for (Outgoing o : step.onRecord(store, in).outputs()) {
                        assertTrue(!o.isDeadLetter(), o.topic());
                        if (o.topic().equals(topics.predictorTest.name())) {
                            last = topics.predictorTest.valueSerde().deserializer().deserialize(o.topic(), o.value());
                            assertEquals("r", o.key());
                            published++;
                        }
                    }
                }
                if (c == 40) {
                    storedAt40 = store.get(StoredRun.PREDICTORS).length;
                }
            }
            assertEquals(120, published, "one record per paired checkpoint");
            assertEquals("r/predictor-test/120", last.getId());
            assertEquals(6000, last.getAsOfStep());
            Map<String, PredictorCorrelation> byName = new java.util.TreeMap<>();
            last.getResults().forEach(r -> byName.put(r.getPredictor(), r));
            PredictorCorrelation rankMe = byName.get("rankMe");
            assertEquals(1, rankMe.getBestBlock());
            assertEquals(List.of(0, 1, 2), rankMe.getBlocks());
            assertTrue(rankMe.getBeatsBaseline(), rankMe.toString());
            assertTrue(!byName.get("participationRatio").getBeatsBaseline(), byName.get("participationRatio").toString());
            assertEquals(null, byName.get("parameterL2Norm").getBestBlock(), "a whole-model value has no block");
            int storedAt120 = store.get(StoredRun.PREDICTORS).length;
            assertTrue(Math.abs(storedAt120 - storedAt40) < 0.1 * storedAt40,
                    "the predictor test's state does not grow with the checkpoints: " + storedAt40 + " -> " + storedAt120);
        }
        MonitorStep step = step(MonitorConfig.defaults(), StepSettings.defaults());
        List<Double> tooMany = java.util.Collections.nCopies(InputLimits.MAX_BLOCKS + 1, 1.0);
        StepResult huge = step.onRecord(new MemoryRunStore(), input(topics.checkpointPredictors, "r",
                CheckpointPredictors.newBuilder().setId("r/50/predictors").setRunId("r").setStep(50).setSuite("toy")
                        .setParameterL2Norm(1).setBlockRankMe(tooMany).build(), 0));
        assertEquals(List.of(topics.checkpointPredictors.dlq()), topicsOf(huge.outputs()));
        assertTrue(DeadLetters.reason(huge.outputs().get(0).headers()).contains("blockRankMe has 1025 values"));
    }

    @Test
    void aCheckpointFiledAndProcessedWhileItsPartIsKeptIsNotListedFromTheStore() {
        MonitorStep step = step(MonitorConfig.defaults(), StepSettings.builder().idleExpiryMs(0).build());
        MemoryRunStore plain = new MemoryRunStore();
        MemoryRunStore writingBack = MemoryRunStore.writingBack(PartCache.DEFAULT_CAPACITY);
        long offset = 0;
        int checkpoints = 40;
        for (int c = 1; c <= checkpoints; c++) {
            long stepNo = 50L * c;
            long at = T0 + 100L * c;
            List<StepInput> inputs = new ArrayList<>();
            inputs.add(input(topics.checkpointReady, "r", ready("r", stepNo, at), offset++));
            for (int f = 0; f < 4; f++) {
                double acc = ((c + f) / 6) % 2 == 0 ? 0.95 : 0.05;
                inputs.add(input(topics.probeScored, "r", score("r", stepNo, "family" + f, acc, 4, at), offset++));
            }
            for (StepInput in : inputs) {
                assertEquals(describe(step.onRecord(plain, in)), describe(step.onRecord(writingBack, in)));
                if (in.offset() % 7 == 6) {
                    writingBack.decoded().writeBack();
                }
            }
        }
        writingBack.decoded().writeBack();
        assertEquals(checkpoints, plain.listings(), "decoded from the store, a checkpoint's results are listed");
        assertEquals(0, writingBack.listings(), "kept, it knows its results' task keys, also across write-backs");
        assertEquals(stored(plain), stored(writingBack));
    }

    @Test
    void decodedPartsKeptBetweenCallsChangeNothingOfWhatIsWrittenOrStored() {
        // no idle expiry: the deadlines fired below are the missing-score ones, so the run keeps its whole history
        MonitorStep step = step(MonitorConfig.builder().missingScoreTimeoutMs(1_000).build(),
                StepSettings.builder().idleExpiryMs(0).build());
        MemoryRunStore plain = new MemoryRunStore();
        MemoryRunStore cached = new MemoryRunStore(new PartCache(PartCache.DEFAULT_CAPACITY));
        List<StepInput> inputs = new ArrayList<>();
        long offset = 0;
        for (int c = 1; c <= 60; c++) {
            long stepNo = 50L * c;
            long at = T0 + 100L * c;
            if (c % 7 == 0) {
                inputs.add(input(topics.dataWindowClosed, "r", DataWindow.newBuilder().setRunId("r")
                        .setWindowId("w" + c).setStartStep(stepNo - 50).setEndStep(stepNo).setTokens(1000)
                        .setMixture(Map.of("web", 0.5, "code", 0.5)).setProducedAt(at).build(), offset++));
            }
            inputs.add(input(topics.checkpointReady, "r", ready("r", stepNo, at), offset++));
            if (c % 2 == 0) {
                inputs.add(input(topics.checkpointPredictors, "r", predictors("r", stepNo, 0.1 * (c % 5),
                        new java.util.Random(c), at), offset++));
            }
            for (int f = 0; f < 4; f++) {
                if (c == 30 && f == 3) {
                    continue; // checkpoint 30 misses a score: skipped at its deadline, completed late below
                }
                double acc = ((c + f) / 6) % 2 == 0 ? 0.95 : 0.05;
                inputs.add(input(topics.probeScored, "r", score("r", stepNo, "family" + f, acc, 4, at), offset++));
                if (c % 11 == 0 && f == 1) {
                    inputs.add(inputs.get(inputs.size() - 1)); // a duplicate
                }
            }
            if (c == 33) {
                inputs.add(input(topics.probeScored, "r", score("r", 1500, "family3", 0.5, 4, at), offset++));
            }
            if (c % 2 == 1 && c > 1) {
                inputs.add(input(topics.checkpointPredictors, "r", predictors("r", stepNo - 50, 0,
                        new java.util.Random(c), at), offset++)); // a re-scored checkpoint's predictors: ignored
                inputs.add(input(topics.checkpointPredictors, "r", predictors("r", stepNo, 0.1 * (c % 3),
                        new java.util.Random(c), at), offset++));
            }
        }
        inputs.add(input(topics.probeScored, "other", score("other", 50, "family0", 0.5, 1, T0), offset++));
        // Write-back caches, as the Kafka Streams job keeps them: one written back every 7 records (a commit),
        // one so small that held parts leave it (are stored) between commits.
        MemoryRunStore writingBack = MemoryRunStore.writingBack(PartCache.DEFAULT_CAPACITY);
        MemoryRunStore evicting = MemoryRunStore.writingBack(3);
        int heldAtMost = 0;
        long heldBack = 0;
        for (StepInput in : inputs) {
            StepResult a = step.onRecord(plain, in);
            assertEquals(describe(a), describe(step.onRecord(cached, in)), "outputs of record at offset " + in.offset());
            assertEquals(describe(a), describe(step.onRecord(writingBack, in)), "write-back, offset " + in.offset());
            assertEquals(describe(a), describe(step.onRecord(evicting, in)), "evicting, offset " + in.offset());
            if (a.nextDeadline() >= 0 && in.offset() % 5 == 0) {
                // as an engine does: a run the step says to delete (here: expired) is deleted
                List<String> due = describe(deadline(step, plain, a.nextDeadline()));
                assertEquals(due, describe(deadline(step, cached, a.nextDeadline())), "deadline after " + in.offset());
                assertEquals(due, describe(deadline(step, writingBack, a.nextDeadline())), "write-back deadline");
                assertEquals(due, describe(deadline(step, evicting, a.nextDeadline())), "evicting deadline");
            }
            heldAtMost = Math.max(heldAtMost, writingBack.decoded().held());
            if (in.offset() % 7 == 6) {
                heldBack += writingBack.decoded().writeBack();
                evicting.decoded().writeBack();
                assertEquals(stored(plain), stored(writingBack), "stored parts after a write-back at " + in.offset());
                assertEquals(stored(plain), stored(evicting), "evicting, after a write-back at " + in.offset());
            }
        }
        writingBack.decoded().writeBack();
        evicting.decoded().writeBack();
        assertEquals(stored(plain), stored(cached), "stored parts");
        assertEquals(stored(plain), stored(writingBack), "stored parts, write-back");
        assertEquals(stored(plain), stored(evicting), "stored parts, write-back evicting");
        assertEquals(json(step.summarize(plain).orElseThrow()), json(step.summarize(cached).orElseThrow()));
        assertEquals(json(step.summarize(plain).orElseThrow()), json(step.summarize(writingBack).orElseThrow()));
        assertTrue(cached.decoded().size() > 0, "the cached store kept decoded parts");
        assertTrue(heldAtMost >= 2 && heldBack > 0, "parts were held back: at most " + heldAtMost + ", " + heldBack);
        assertTrue(writingBack.bytesWritten() < plain.bytesWritten() / 2,
                "written back per commit, the store took fewer bytes: " + writingBack.bytesWritten() + " of "
                        + plain.bytesWritten());
    }

    @Test
    void aRunDeletedWhileItsPartsAreHeldBackLeavesNothingForTheWriteBackToStore() {
        long idle = 60_000;
        MonitorStep step = step(MonitorConfig.defaults(), StepSettings.builder().idleExpiryMs(idle).build());
        MemoryRunStore store = MemoryRunStore.writingBack(PartCache.DEFAULT_CAPACITY);
        long last = T0;
        for (int c = 1; c <= 6; c++) {
            last = T0 + 100L * c;
            step.onRecord(store, input(topics.checkpointReady, "r", ready("r", 50L * c, last), 2L * c));
            step.onRecord(store, input(topics.probeScored, "r", score("r", 50L * c, "family0", 0.9, 1, last), 2L * c + 1));
        }
        assertTrue(store.decoded().held() > 0, "the header and the series are held back");
        StepResult expired = step.onDeadline(store, last + idle);
        assertTrue(expired.deleteRun(), "the idle run expires");
        store.deleteAll();
        assertEquals(0, store.decoded().held(), "nothing held for the deleted run");
        assertEquals(0, store.decoded().writeBack());
        assertTrue(store.isEmpty(), "nothing of the run stored: " + stored(store).keySet());
    }

    private static StepResult deadline(MonitorStep step, MemoryRunStore store, long time) {
        StepResult r = step.onDeadline(store, time);
        if (r.deleteRun()) {
            store.deleteAll();
        }
        return r;
    }

    private static String json(Object o) {
        try {
            return PartCodec.jsonMapper().writeValueAsString(o);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> describe(StepResult r) {
        List<String> out = new ArrayList<>();
        for (Outgoing o : r.outputs()) {
            out.add(o.topic() + " " + o.key() + " " + java.util.Arrays.toString(o.value()));
        }
        out.add(r.deleteRun() + " " + r.nextDeadline() + " " + r.inputTime());
        return out;
    }

    private static Map<String, String> stored(MemoryRunStore store) {
        Map<String, String> parts = new java.util.TreeMap<>();
        for (String name : store.names("")) {
            parts.put(name, java.util.Arrays.toString(store.get(name)));
        }
        return parts;
    }
}
