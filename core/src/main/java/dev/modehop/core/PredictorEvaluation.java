package dev.modehop.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The predictor test (the paper's third application): does a cheap generalization predictor (RankMe, the
 * participation ratio, the parameter norm) track a probe family's P(correct) across a run's checkpoints better
 * than chance?
 *
 * <p>Per predictor, the Pearson correlation across checkpoints between its value and the family's soft score,
 * per layer where the predictor is measured per layer; the best layer is the one with the largest |r|. Picking
 * the best of L layers inflates |r| by itself, so the baseline goes through the same selection: a draw is L
 * random features of the same shape (independent standard normal values, one per checkpoint and layer), its
 * statistic the largest |r| of its layers against the same soft scores. Over many draws the baseline's mean and
 * 95th percentile say what the best layer's |r| reaches by chance; a predictor beats the baseline when its best
 * |r| exceeds that 95th percentile (a one-sided test at 5%, selection included).
 *
 * <p>For independent normal features the distribution of r does not depend on the soft scores it is taken
 * against (any non-constant series gives the same null distribution), so the baseline depends only on the number
 * of checkpoints n and layers L: it is drawn once per (n, L) against a fixed series, seeded from n and L, and
 * cached (at most {@value #BASELINES_KEPT} shapes). A test is therefore reproducible, and a dashboard testing
 * twenty families on five thousand checkpoints draws each shape's baseline once.
 *
 * <p>Independent draws assume no trend in the features; a predictor that merely drifts with training time can
 * correlate with a family that also drifts, which this baseline does not discount.
 */
public final class PredictorEvaluation {
    public static final int DEFAULT_DRAWS = 1000;
    /** Fewer common checkpoints than this say nothing about a correlation. */
    public static final int MIN_CHECKPOINTS = 4;
    static final int BASELINES_KEPT = 64;

    private final int draws;
    /** (n, L) -> the best-of-L abs(r) of each draw; access order, the least recently used shape goes first. */
    private final java.util.LinkedHashMap<Long, double[]> baselines = new java.util.LinkedHashMap<>(16, 0.75f, true);

    public PredictorEvaluation(int draws) {
        if (draws < 20) {
            throw new IllegalArgumentException("draws must be >= 20 for a 95th percentile: " + draws);
        }
        this.draws = draws;
    }

    public PredictorEvaluation() {
        this(DEFAULT_DRAWS);
    }

    /**
     * One predictor against one family.
     *
     * @param perLayer    Pearson r of each layer (NaN where a layer's values are constant)
     * @param bestLayer   index into the predictor's layers of the largest |r|, -1 when none is defined
     * @param baselineMean mean over the draws of the best random layer's |r|
     * @param baselineP95 95th percentile of the same
     */
    public record Result(String runId, String family, String predictor, int checkpoints, int layers, double[] perLayer,
                         int bestLayer, double bestCorrelation, double baselineMean, double baselineP95, int draws) {
        public boolean beatsBaseline() {
            return bestLayer >= 0 && Math.abs(bestCorrelation) > baselineP95;
        }
    }

    /**
     * @param soft       family -> step -> soft score (P(correct))
     * @param predictors predictor name -> step -> values, one per layer (a whole-model predictor has one); every
     *                   step of one predictor has the same number of layers, steps with another count are skipped
     * @return one result per (family, predictor) with at least {@link #MIN_CHECKPOINTS} common checkpoints, in
     *         family then predictor order
     */
    public List<Result> test(String runId, Map<String, ? extends Map<Long, Double>> soft,
                             Map<String, ? extends Map<Long, double[]>> predictors) {
        List<Result> out = new ArrayList<>();
        for (Map.Entry<String, ? extends Map<Long, Double>> f : new TreeMap<>(soft).entrySet()) {
            for (Map.Entry<String, ? extends Map<Long, double[]>> p : new TreeMap<>(predictors).entrySet()) {
                Result r = one(runId, f.getKey(), f.getValue(), p.getKey(), p.getValue());
                if (r != null) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    Result one(String runId, String family, Map<Long, Double> soft, String predictor, Map<Long, double[]> values) {
        int layers = -1;
        List<double[]> rows = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Map.Entry<Long, Double> e : new TreeMap<>(soft).entrySet()) {
            double[] v = values.get(e.getKey());
            if (v == null || v.length == 0 || !Double.isFinite(e.getValue()) || !allFinite(v)) {
                continue;
            }
            if (layers < 0) {
                layers = v.length;
            }
            if (v.length == layers) {
                rows.add(v);
                ys.add(e.getValue());
            }
        }
        int n = rows.size();
        if (n < MIN_CHECKPOINTS) {
            return null;
        }
        double[] y = ys.stream().mapToDouble(Double::doubleValue).toArray();
        double[] perLayer = new double[layers];
        int best = -1;
        for (int l = 0; l < layers; l++) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = rows.get(i)[l];
            }
            perLayer[l] = pearson(x, y);
            if (!Double.isNaN(perLayer[l]) && (best < 0 || Math.abs(perLayer[l]) > Math.abs(perLayer[best]))) {
                best = l;
            }
        }
        double[] baseline = baseline(n, layers);
        double mean = Arrays.stream(baseline).average().orElse(Double.NaN);
        double p95 = percentile(baseline, 0.95);
        return new Result(runId, family, predictor, n, layers, perLayer, best, best < 0 ? Double.NaN : perLayer[best],
                mean, p95, draws);
    }

    /** The baseline's draws for n checkpoints and L layers, drawn once per shape. */
    synchronized double[] baseline(int n, int layers) {
        long key = (long) n << 20 | layers;
        double[] cached = baselines.get(key);
        if (cached == null) {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = i;
            }
            cached = baseline(y, layers, new SplittableRandom(key * 0x9E3779B97F4A7C15L + draws));
            baselines.put(key, cached);
            if (baselines.size() > BASELINES_KEPT) {
                baselines.remove(baselines.keySet().iterator().next());
            }
        }
        return cached;
    }

    /** The best-of-{@code layers} |r| of each random draw against {@code y}. */
    double[] baseline(double[] y, int layers, SplittableRandom random) {
        double[] stats = new double[draws];
        double[] x = new double[y.length];
        for (int d = 0; d < draws; d++) {
            double max = 0;
            for (int l = 0; l < layers; l++) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = random.nextGaussian();
                }
                double r = Math.abs(pearson(x, y));
                if (r > max) {
                    max = r;
                }
            }
            stats[d] = max;
        }
        return stats;
    }

    /** Pearson's r; NaN when either side is constant. */
    public static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx <= 0 || syy <= 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    /** The q-quantile (linear interpolation between order statistics). */
    static double percentile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static boolean allFinite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }
}
