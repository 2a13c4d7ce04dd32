package dev.modehop.dashboard;

import dev.modehop.core.PredictorEvaluation;
import dev.modehop.events.CheckpointPredictors;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's {@code checkpoint.predictors} records as the predictor test reads them: per predictor, per step, its
 * values (one per measured layer; the parameter norm is one whole-model value), and the block index of each
 * value, so a best layer can be named. The report and the dashboard both test the same series.
 */
public final class PredictorSeries {
    /** Shared, so each (checkpoints, layers) shape's random baseline is drawn once per process. */
    private static final PredictorEvaluation TEST = new PredictorEvaluation();

    /** predictor -> step -> values by layer. */
    public final Map<String, TreeMap<Long, double[]>> values = new TreeMap<>();
    /** predictor -> block index of each value (-1 = the whole model or after the final norm). */
    public final Map<String, int[]> layers = new TreeMap<>();

    public static PredictorSeries of(Collection<CheckpointPredictors> records) {
        PredictorSeries s = new PredictorSeries();
        for (CheckpointPredictors p : records) {
            s.put("parameterL2Norm", p.getStep(), p.getParameterL2Norm(), -1);
            if (!p.getBlockRankMe().isEmpty()) {
                // measured on every block: the test selects the best one
                s.putBlocks("rankMe", p.getStep(), p.getBlockRankMe());
                s.putBlocks("participationRatio", p.getStep(), p.getBlockParticipationRatio());
            } else {
                int layer = p.getLayer() == null ? -1 : p.getLayer();
                s.put("rankMe", p.getStep(), p.getRankMe(), layer);
                s.put("participationRatio", p.getStep(), p.getParticipationRatio(), layer);
            }
        }
        return s;
    }

    private void putBlocks(String name, long step, List<Double> perBlock) {
        double[] v = perBlock.stream().mapToDouble(Double::doubleValue).toArray();
        values.computeIfAbsent(name, k -> new TreeMap<>()).put(step, v);
        int[] blocks = new int[v.length];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = i;
        }
        int[] known = layers.get(name);
        if (known == null || known.length < blocks.length) {
            layers.put(name, blocks);
        }
    }

    private void put(String name, long step, Double v, int layer) {
        if (v == null || !Double.isFinite(v)) {
            return;
        }
        values.computeIfAbsent(name, k -> new TreeMap<>()).put(step, new double[] {v});
        layers.putIfAbsent(name, new int[] {layer});
    }

    /** The block index of a result's best layer, or -1. */
    public int bestBlock(PredictorEvaluation.Result r) {
        int[] l = layers.get(r.predictor());
        return r.bestLayer() < 0 || l == null || r.bestLayer() >= l.length ? -1 : l[r.bestLayer()];
    }

    /** The test of every counted family against every predictor. */
    public List<PredictorEvaluation.Result> test(String runId, Map<String, ? extends Map<Long, Double>> soft) {
        return TEST.test(runId, soft, values);
    }
}
