package dev.modehop.dashboard;

import dev.modehop.core.PredictorEvaluation;
import dev.modehop.events.CheckpointPredictors;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's {@code checkpoint.predictors} records as the predictor test reads them (core's
 * {@link PredictorEvaluation#measurements}, the same reading as the stream job's), for testing a history held
 * here when no published test ({@code modehop.predictor.test}) is at hand.
 */
public final class PredictorSeries {
    /** Shared, so each (checkpoints, layers) shape's random baseline is drawn once per process. */
    private static final PredictorEvaluation TEST = new PredictorEvaluation();

    /** step -> predictor -> values by layer, with their blocks. */
    public final Map<Long, Map<String, PredictorEvaluation.Measurement>> values = new TreeMap<>();

    public static PredictorSeries of(Collection<CheckpointPredictors> records) {
        PredictorSeries s = new PredictorSeries();
        for (CheckpointPredictors p : records) {
            Map<String, PredictorEvaluation.Measurement> m = PredictorEvaluation.measurements(p.getParameterL2Norm(),
                    p.getLayer(), p.getRankMe(), p.getParticipationRatio(), p.getBlockRankMe(),
                    p.getBlockParticipationRatio());
            if (!m.isEmpty()) {
                s.values.put(p.getStep(), m);
            }
        }
        return s;
    }

    /** The block index of a result's best layer, or -1. */
    public int bestBlock(PredictorEvaluation.Result r) {
        return r.bestBlock();
    }

    /** The test of every counted family against every predictor. */
    public List<PredictorEvaluation.Result> test(String runId, Map<String, ? extends Map<Long, Double>> soft) {
        return TEST.test(runId, soft, values);
    }

    /** A published predictor test (modehop.predictor.test) as core's results, the block of each layer kept. */
    public static List<PredictorEvaluation.Result> results(dev.modehop.events.PredictorEvaluation predictorTest) {
        String runId = predictorTest.getRunId();
        List<PredictorEvaluation.Result> out = new java.util.ArrayList<>();
        for (dev.modehop.events.PredictorCorrelation c : predictorTest.getResults()) {
            int[] blocks = c.getBlocks().stream().mapToInt(Integer::intValue).toArray();
            double[] perLayer = c.getPerLayer().stream().mapToDouble(Double::doubleValue).toArray();
            int best = -1;
            if (c.getCorrelation() != null) {
                for (int l = 0; l < blocks.length && best < 0; l++) {
                    if (c.getBestBlock() == null ? blocks[l] < 0 : blocks[l] == c.getBestBlock()) {
                        best = l;
                    }
                }
            }
            out.add(new PredictorEvaluation.Result(runId, c.getFamily(), c.getPredictor(),
                    c.getCheckpoints(), blocks.length, blocks, perLayer, best,
                    c.getCorrelation() == null ? Double.NaN : c.getCorrelation(), c.getBaselineMean(),
                    c.getBaselineP95(), predictorTest.getDraws()));
        }
        return out;
    }
}
