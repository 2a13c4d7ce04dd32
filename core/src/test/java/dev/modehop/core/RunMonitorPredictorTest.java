package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The predictor test inside the monitor: predictors and scores of a checkpoint paired whichever comes first,
 * published when the test changes, a planted predictor beating its baseline and a noise one not, the state
 * bounded, and the result the same as the test over the whole history at once.
 */
class RunMonitorPredictorTest {
    private static final String RUN = RunMonitorTest.RUN;
    private static final int CHECKPOINTS = 60;
    private static final int BLOCKS = 4;

    private final RunMonitor monitor = new RunMonitor(MonitorConfig.builder().missingScoreTimeoutMs(1_000_000).build());
    private final RunState run = new RunState(RUN);

    /** The flipped family's accuracy: hops between two levels every 10 checkpoints, with noise. */
    private static double accuracy(int k, Random random) {
        return ((k / 10) % 2 == 0 ? 0.9 : 0.1) + 0.03 * random.nextGaussian();
    }

    private static PredictorMeasurements measured(long step, double soft, Random random) {
        double[] rankMe = new double[BLOCKS];
        double[] ratio = new double[BLOCKS];
        for (int b = 0; b < BLOCKS; b++) {
            // block 2's RankMe follows the soft score; everything else is noise
            rankMe[b] = 10 + (b == 2 ? 3 * soft : 0) + random.nextGaussian();
            ratio[b] = 5 + random.nextGaussian();
        }
        Map<String, PredictorEvaluation.Measurement> m = PredictorEvaluation.measurements(1000 + random.nextGaussian(),
                null, null, null, toList(rankMe), toList(ratio));
        return new PredictorMeasurements(RUN, step, m, 0);
    }

    private static List<Double> toList(double[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }

    @Test
    void plantedPredictorBeatsItsBaselineNoiseDoesNotAndTheStreamMatchesTheWholeHistory() {
        Random random = new Random(5);
        List<Output.PredictorEvaluationUpdate> updates = new ArrayList<>();
        Map<String, Map<Long, Double>> soft = Map.of("flipped", new TreeMap<>());
        Map<Long, Map<String, PredictorEvaluation.Measurement>> history = new TreeMap<>();
        int maxWaiting = 0;
        for (int k = 0; k < CHECKPOINTS; k++) {
            long step = 50L * (k + 1);
            double acc = accuracy(k, random);
            PredictorMeasurements m = measured(step, 2 * acc - 1, random);
            history.put(step, m.predictors());
            soft.get("flipped").put(step, 2 * acc - 1);
            List<Output> out = new ArrayList<>(monitor.onCheckpointReady(run, RunMonitorTest.ready(step, k)));
            // predictors come before the scores on even checkpoints, after them on odd ones
            if (k % 2 == 0) {
                out.addAll(monitor.onPredictors(run, m));
            }
            out.addAll(monitor.onResult(run, RunMonitorTest.score(step, "flipped", acc, k)));
            if (k % 2 == 1) {
                out.addAll(monitor.onPredictors(run, m));
            }
            List<Output.PredictorEvaluationUpdate> u = RunMonitorTest.only(out, Output.PredictorEvaluationUpdate.class);
            assertEquals(1, u.size(), "every paired checkpoint publishes the test, once: step " + step);
            updates.addAll(u);
            maxWaiting = Math.max(maxWaiting, run.parts().predictors().checkpoints.size());
        }
        Output.PredictorEvaluationUpdate last = updates.get(updates.size() - 1);
        assertEquals(CHECKPOINTS, last.checkpointsPaired());
        assertEquals(RUN + "/predictor-test/" + CHECKPOINTS, last.id());
        assertEquals(50L * CHECKPOINTS, last.asOfStep());
        Map<String, PredictorEvaluation.Result> byPredictor = new TreeMap<>();
        last.results().forEach(r -> byPredictor.put(r.predictor(), r));
        assertEquals(List.of("parameterL2Norm", "participationRatio", "rankMe"), List.copyOf(byPredictor.keySet()));
        PredictorEvaluation.Result rankMe = byPredictor.get("rankMe");
        assertEquals(2, rankMe.bestBlock(), "the planted block is selected");
        assertTrue(rankMe.beatsBaseline(), rankMe.toString());
        assertFalse(byPredictor.get("participationRatio").beatsBaseline(), byPredictor.get("participationRatio").toString());
        assertEquals(-1, byPredictor.get("parameterL2Norm").bestBlock(), "a whole-model value");

        // one implementation: the stream's result is the whole history's, up to rounding
        List<PredictorEvaluation.Result> offline = new PredictorEvaluation().test(RUN, soft, history);
        assertEquals(last.results().size(), offline.size());
        for (int i = 0; i < offline.size(); i++) {
            PredictorEvaluation.Result a = offline.get(i);
            PredictorEvaluation.Result b = last.results().get(i);
            assertEquals(a.predictor(), b.predictor());
            assertEquals(a.checkpoints(), b.checkpoints());
            assertArrayEquals(a.perLayer(), b.perLayer(), 1e-12);
            assertEquals(a.baselineP95(), b.baselineP95());
        }
        // bounded: a few remembered checkpoints, one co-moment per (family, predictor, layer)
        assertTrue(maxWaiting <= RunMonitor.PROCESSED_KEPT + 1, "checkpoints kept: " + maxWaiting);
        int moments = run.parts().predictors().pairs.values().stream().flatMap(m -> m.values().stream())
                .mapToInt(p -> p.layers.length).sum();
        assertEquals(1 + BLOCKS + BLOCKS, moments);
    }

    @Test
    void duplicatesAreIgnoredLatePredictorsRejectedAndTooFewPairsPublishNoResult() {
        Random random = new Random(1);
        for (int k = 0; k < 3; k++) {
            long step = 50L * (k + 1);
            monitor.onCheckpointReady(run, RunMonitorTest.ready(step, k));
            monitor.onResult(run, RunMonitorTest.score(step, "flipped", accuracy(k, random), k));
            List<Output> out = monitor.onPredictors(run, measured(step, 0, random));
            Output.PredictorEvaluationUpdate u = RunMonitorTest.only(out, Output.PredictorEvaluationUpdate.class).get(0);
            assertEquals(List.of(), u.results(), "fewer than " + PredictorEvaluation.MIN_CHECKPOINTS + " pairs");
        }
        assertEquals(List.of(), monitor.onPredictors(run, measured(100, 0, random)), "a duplicate changes nothing");
        assertEquals(3, run.parts().predictors().checkpointsPaired);
        for (int k = 3; k < 3 + RunMonitor.PROCESSED_KEPT; k++) {
            long step = 50L * (k + 1);
            monitor.onCheckpointReady(run, RunMonitorTest.ready(step, k));
            monitor.onResult(run, RunMonitorTest.score(step, "flipped", accuracy(k, random), k));
        }
        List<Output> late = monitor.onPredictors(run, measured(50, 0, random));
        List<Output.Rejection> rejected = RunMonitorTest.only(late, Output.Rejection.class);
        assertEquals(1, rejected.size());
        assertTrue(rejected.get(0).reason().startsWith("late predictors for step 50"), rejected.get(0).reason());
        // a remembered checkpoint still pairs late predictors
        List<Output> recent = monitor.onPredictors(run, measured(50L * (2 + RunMonitor.PROCESSED_KEPT), 0, random));
        assertEquals(1, RunMonitorTest.only(recent, Output.PredictorEvaluationUpdate.class).size());
        Output.Rejection invalid = RunMonitorTest.only(monitor.onPredictors(run, new PredictorMeasurements(RUN, 1,
                Map.of("rankMe", new PredictorEvaluation.Measurement(new double[2], new int[1])), 0)),
                Output.Rejection.class).get(0);
        assertEquals("invalid checkpoint predictors: rankMe has 2 values for 1 blocks", invalid.reason());
    }

    @Test
    void predictorsAheadOfTheRunWaitBoundedThenAreRejected() {
        Random random = new Random(2);
        for (int k = 0; k < RunMonitor.PREDICTORS_WAITING_KEPT; k++) {
            assertEquals(List.of(), monitor.onPredictors(run, measured(10L * (k + 1), 0, random)));
        }
        List<Output> out = monitor.onPredictors(run, measured(1_000_000, 0, random));
        assertEquals(1, RunMonitorTest.only(out, Output.Rejection.class).size(), out.toString());
        assertEquals(List.of(), monitor.onPredictors(run, measured(10, 0, random)),
                "one already waiting may be measured again (a re-scored checkpoint: the later one waits)");
    }

    @Test
    void aRunThatSendsNoPredictorsStoresNoneOfTheTestAndLatePredictorsStillPairWithStoredResults() {
        Random random = new Random(3);
        for (int k = 0; k < 3 * RunMonitor.PROCESSED_KEPT; k++) {
            long step = 50L * (k + 1);
            monitor.onCheckpointReady(run, RunMonitorTest.ready(step, k));
            monitor.onResult(run, RunMonitorTest.score(step, "flipped", (k / 10) % 2 == 0 ? 0.9 : 0.1, k));
        }
        assertEquals(last(), run.lastProcessedStep, "every checkpoint processed");
        assertEquals(0, run.parts().predictors().checkpoints.size(), "no soft scores kept for predictors never sent");
        // predictors of the last checkpoint, after it was processed: paired with the soft score kept with it
        long last = last();
        assertEquals(List.of(), run.parts().results(last), "a processed checkpoint's results are not kept");
        double soft = run.parts().processed(last).softScores.get("flipped");
        List<Output> out = monitor.onPredictors(run, measured(last, soft, random));
        assertEquals(1, RunMonitorTest.only(out, Output.PredictorEvaluationUpdate.class).size(), out.toString());
        PredictorEvaluation.State state = run.parts().predictors();
        assertEquals(1, state.checkpointsPaired);
        assertTrue(state.checkpoints.get(last).paired);
        assertEquals(1, state.pairs.get("flipped").get("rankMe").layers[0].n, "one pair counted for the family");
    }

    @Test
    void predictorsOfASkippedCheckpointWaitForItToCompleteInsteadOfPairingWithPartOfItsScores() {
        RunMonitor timed = new RunMonitor(MonitorConfig.builder().missingScoreTimeoutMs(1_000).build());
        RunState r = new RunState(RUN);
        Random random = new Random(4);
        timed.onCheckpointReady(r, RunMonitorTest.ready(50, 1_000));
        timed.onResult(r, RunMonitorTest.score(50, "flipped", 0.9, 1_000));
        timed.onCheckpointReady(r, RunMonitorTest.ready(100, 1_001));
        timed.onResult(r, twoTasks(100, "main", 0.9, 1_001));
        for (long step = 150; step <= 200; step += 50) {
            timed.onCheckpointReady(r, RunMonitorTest.ready(step, 1_500 + step));
            timed.onResult(r, RunMonitorTest.score(step, "flipped", 0.9, 2_100));
        }
        assertTrue(r.skipped.containsKey(100L), "100 was skipped with one of its two scores");
        assertEquals(200, r.lastProcessedStep);
        List<Output> early = timed.onPredictors(r, measured(100, 0.8, random));
        assertEquals(List.of(), RunMonitorTest.only(early, Output.PredictorEvaluationUpdate.class),
                "not paired with half a checkpoint");
        assertFalse(r.parts().predictors().checkpoints.get(100L).paired);
        List<Output> late = timed.onResult(r, twoTasks(100, "other", 0.1, 2_200));
        assertEquals(1, RunMonitorTest.only(late, Output.LateObservation.class).size());
        assertEquals(1, RunMonitorTest.only(late, Output.PredictorEvaluationUpdate.class).size(),
                "paired once the checkpoint completed late");
        assertTrue(r.parts().predictors().checkpoints.get(100L).paired);
    }

    /** A score of checkpoint {@code step}, one of two tasks of family flipped. */
    private static ProbeScore twoTasks(long step, String task, double acc, long at) {
        return new ProbeScore(RUN, step, "toy", "flipped", task, 4, 512, acc, 2 * acc - 1, null, 2, at);
    }

    private static long last() {
        return 50L * 3 * RunMonitor.PROCESSED_KEPT;
    }
}
