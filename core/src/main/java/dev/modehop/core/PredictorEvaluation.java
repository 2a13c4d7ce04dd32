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
 * of checkpoints n and layers L: it is drawn once per (n, L) from that null distribution, seeded from n and L, and
 * cached (at most {@value #BASELINES_KEPT} shapes). A test is therefore reproducible, and a dashboard testing
 * twenty families on five thousand checkpoints draws each shape's baseline once.
 *
 * <p>Independent draws assume no trend in the features; a predictor that merely drifts with training time can
 * correlate with a family that also drifts, which this baseline does not discount.
 *
 * <p>A run's test is kept as it goes ({@link State}), in the stream job as in {@link #test} over a recorded
 * history: a checkpoint's predictors and its families' soft scores arrive apart (other topics, either first) and
 * are paired per step; each pair goes into running co-moments ({@link Correlation}: n, the two means, the two
 * sums of squared deviations and the co-deviation), one per (family, predictor, layer), so the state does not
 * grow with the number of checkpoints: O(families x predictors x layers), plus the unpaired values of the
 * checkpoints in flight, which the caller bounds ({@link RunMonitor}). Pearson r of the co-moments is the
 * two-pass r up to rounding.
 */
public final class PredictorEvaluation {
    public static final int DEFAULT_DRAWS = 1000;
    /** Fewer paired checkpoints than this say nothing about a correlation. */
    public static final int MIN_CHECKPOINTS = 4;
    static final int BASELINES_KEPT = 64;
    /** The names of the scorers' predictors. */
    public static final String PARAMETER_L2_NORM = "parameterL2Norm";
    public static final String RANK_ME = "rankMe";
    public static final String PARTICIPATION_RATIO = "participationRatio";

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

    public int draws() {
        return draws;
    }

    /**
     * One predictor against one family.
     *
     * @param blocks       the block index of each layer's value (-1: the whole model, or after the final norm)
     * @param perLayer     Pearson r of each layer (NaN where a layer's values are constant)
     * @param bestLayer    index into the predictor's layers of the largest |r|, -1 when none is defined
     * @param baselineMean mean over the draws of the best random layer's |r|
     * @param baselineP95  95th percentile of the same
     */
    public record Result(String runId, String family, String predictor, int checkpoints, int layers, int[] blocks,
                         double[] perLayer, int bestLayer, double bestCorrelation, double baselineMean,
                         double baselineP95, int draws) {
        public boolean beatsBaseline() {
            return bestLayer >= 0 && Math.abs(bestCorrelation) > baselineP95;
        }

        /** The block of the best layer, or -1 (none, or a whole-model value). */
        public int bestBlock() {
            return bestLayer < 0 ? -1 : blocks[bestLayer];
        }
    }

    /** One predictor measured on one checkpoint: its values by layer and the block each was measured at. */
    public record Measurement(double[] values, int[] blocks) {
        /** One value per block, block i at index i. */
        public static Measurement byBlock(double[] values) {
            int[] blocks = new int[values.length];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = i;
            }
            return new Measurement(values, blocks);
        }

        static Measurement one(double value, int block) {
            return new Measurement(new double[] {value}, new int[] {block});
        }
    }

    /**
     * The predictors a scorer measured on one checkpoint, by name: the parameter norm (one whole-model value);
     * RankMe and the participation ratio of every block when they were measured on every block (the test then
     * selects the best block), else of the one layer measured. The one reading of a checkpoint.predictors record,
     * for the stream job and anything that tests a recorded history.
     */
    public static Map<String, Measurement> measurements(double parameterL2Norm, Integer layer, Double rankMe,
                                                        Double participationRatio, List<Double> blockRankMe,
                                                        List<Double> blockParticipationRatio) {
        Map<String, Measurement> out = new TreeMap<>();
        if (Double.isFinite(parameterL2Norm)) {
            out.put(PARAMETER_L2_NORM, Measurement.one(parameterL2Norm, -1));
        }
        if (blockRankMe != null && !blockRankMe.isEmpty()) {
            out.put(RANK_ME, Measurement.byBlock(blockRankMe.stream().mapToDouble(Double::doubleValue).toArray()));
            if (blockParticipationRatio != null && !blockParticipationRatio.isEmpty()) {
                out.put(PARTICIPATION_RATIO, Measurement.byBlock(
                        blockParticipationRatio.stream().mapToDouble(Double::doubleValue).toArray()));
            }
            return out;
        }
        int block = layer == null ? -1 : layer;
        if (rankMe != null && Double.isFinite(rankMe)) {
            out.put(RANK_ME, Measurement.one(rankMe, block));
        }
        if (participationRatio != null && Double.isFinite(participationRatio)) {
            out.put(PARTICIPATION_RATIO, Measurement.one(participationRatio, block));
        }
        return out;
    }

    /**
     * Pearson's r as running co-moments (Welford's update, stable where the values sit far from zero, like a
     * parameter norm): one pair at a time, a few numbers whatever the number of pairs.
     */
    public static final class Correlation {
        public long n;
        public double meanX;
        public double meanY;
        /** Sums of squared deviations from the running means. */
        public double m2x;
        public double m2y;
        /** Sum of the products of the two deviations. */
        public double cxy;

        public void add(double x, double y) {
            n++;
            double dx = x - meanX;
            meanX += dx / n;
            double dy = y - meanY;
            meanY += dy / n;
            m2x += dx * (x - meanX);
            m2y += dy * (y - meanY);
            cxy += dx * (y - meanY);
        }

        /** r; NaN when either side is constant (or fewer than two pairs). */
        public double r() {
            return m2x <= 0 || m2y <= 0 ? Double.NaN : Math.max(-1, Math.min(1, cxy / Math.sqrt(m2x * m2y)));
        }
    }

    /**
     * One (family, predictor)'s pairs so far: a co-moment per layer. The first pair fixes the layers; a
     * checkpoint measured with another layer count, or with a value that is not finite, is not counted.
     */
    public static final class Pairs {
        public int[] blocks;
        public Correlation[] layers;

        boolean add(Measurement m, Double soft) {
            double[] v = m.values();
            if (soft == null || !Double.isFinite(soft) || v.length == 0 || !allFinite(v)
                    || (layers != null && v.length != layers.length)) {
                return false;
            }
            if (layers == null) {
                blocks = m.blocks().clone();
                layers = new Correlation[v.length];
                for (int l = 0; l < v.length; l++) {
                    layers[l] = new Correlation();
                }
            }
            for (int l = 0; l < v.length; l++) {
                layers[l].add(v[l], soft);
            }
            return true;
        }
    }

    /** A checkpoint not paired yet (either side may be missing), or paired already ({@code paired}, values gone). */
    public static final class Checkpoint {
        public TreeMap<String, Double> soft;
        public TreeMap<String, Measurement> predictors;
        public boolean paired;
    }

    /** A run's predictor test as it goes; a plain bean, stored by the engines with the run's other parts. */
    public static final class State {
        /** family -> predictor -> pairs. */
        public TreeMap<String, TreeMap<String, Pairs>> pairs = new TreeMap<>();
        /** The checkpoints in flight (not paired yet) and the recent paired ones, by step. */
        public TreeMap<Long, Checkpoint> checkpoints = new TreeMap<>();
        /** Checkpoints that added pairs; a result's version. */
        public int checkpointsPaired;
        public long asOfStep = -1;

        /** Checkpoints after {@code step} holding values that wait for their other side. */
        public int waitingAfter(long step) {
            return (int) checkpoints.tailMap(step, false).values().stream().filter(c -> !c.paired).count();
        }
    }

    /**
     * The test of a whole history at once (dashboards over a recorded log, tests): the same pairing and
     * statistics as a live run ({@link #measure}, {@link #score}), fed in step order.
     *
     * @param soft       family -> step -> soft score (P(correct))
     * @param predictors step -> the predictors measured on that checkpoint
     * @return one result per (family, predictor) with at least {@link #MIN_CHECKPOINTS} paired checkpoints, in
     *         family then predictor order
     */
    public List<Result> test(String runId, Map<String, ? extends Map<Long, Double>> soft,
                             Map<Long, Map<String, Measurement>> predictors) {
        TreeMap<Long, TreeMap<String, Double>> byStep = new TreeMap<>();
        soft.forEach((family, values) -> values.forEach((step, v) ->
                byStep.computeIfAbsent(step, s -> new TreeMap<>()).put(family, v)));
        State state = new State();
        for (Map.Entry<Long, Map<String, Measurement>> e : new TreeMap<>(predictors).entrySet()) {
            measure(state, e.getKey(), e.getValue());
        }
        byStep.forEach((step, families) -> score(state, step, families));
        return results(state, runId);
    }

    /**
     * The same, for predictors given as predictor -> step -> values by layer, each layer its own block (a
     * whole-model predictor has one value).
     */
    public List<Result> testLayers(String runId, Map<String, ? extends Map<Long, Double>> soft,
                                   Map<String, ? extends Map<Long, double[]>> predictors) {
        Map<Long, Map<String, Measurement>> byStep = new TreeMap<>();
        predictors.forEach((name, values) -> values.forEach((step, v) ->
                byStep.computeIfAbsent(step, s -> new TreeMap<>()).put(name, Measurement.byBlock(v))));
        return test(runId, soft, byStep);
    }

    // ---- a run's test, kept as it goes

    /**
     * Predictors measured on one checkpoint arrived. They are paired with the checkpoint's soft scores if those
     * came already, else kept until they come; predictors of a checkpoint already paired are a duplicate (a
     * re-scored checkpoint: the first measurement counted).
     *
     * @return true when new pairs were counted (the results changed)
     */
    public boolean measure(State state, long step, Map<String, Measurement> predictors) {
        Checkpoint c = state.checkpoints.computeIfAbsent(step, s -> new Checkpoint());
        if (c.paired) {
            return false;
        }
        c.predictors = new TreeMap<>(predictors);
        return pair(state, step, c);
    }

    /** The soft scores of the counted families at one checkpoint (once per checkpoint, when it is processed). */
    public boolean score(State state, long step, Map<String, Double> soft) {
        Checkpoint c = state.checkpoints.computeIfAbsent(step, s -> new Checkpoint());
        if (c.paired) {
            return false;
        }
        c.soft = new TreeMap<>(soft);
        return pair(state, step, c);
    }

    private static boolean pair(State state, long step, Checkpoint c) {
        if (c.soft == null || c.predictors == null) {
            return false;
        }
        boolean counted = false;
        for (Map.Entry<String, Double> f : c.soft.entrySet()) {
            TreeMap<String, Pairs> ofFamily = state.pairs.computeIfAbsent(f.getKey(), k -> new TreeMap<>());
            for (Map.Entry<String, Measurement> p : c.predictors.entrySet()) {
                Pairs pairs = ofFamily.get(p.getKey());
                if (pairs == null) {
                    pairs = new Pairs();
                }
                if (pairs.add(p.getValue(), f.getValue())) {
                    ofFamily.put(p.getKey(), pairs);
                    counted = true;
                }
            }
            if (ofFamily.isEmpty()) {
                state.pairs.remove(f.getKey());
            }
        }
        // Paired: only the mark stays, to recognise a duplicate.
        c.soft = null;
        c.predictors = null;
        c.paired = true;
        if (counted) {
            state.checkpointsPaired++;
            state.asOfStep = Math.max(state.asOfStep, step);
        }
        return counted;
    }

    /** Forgets the checkpoints before {@code step} (paired marks and unpaired values alike); true if there were any. */
    public static boolean forgetBefore(State state, long step) {
        if (state.checkpoints.isEmpty() || state.checkpoints.firstKey() >= step) {
            return false;
        }
        state.checkpoints.headMap(step).clear();
        return true;
    }

    /** Every (family, predictor) with at least {@link #MIN_CHECKPOINTS} pairs, in family then predictor order. */
    public List<Result> results(State state, String runId) {
        List<Result> out = new ArrayList<>();
        state.pairs.forEach((family, ofFamily) -> ofFamily.forEach((predictor, pairs) -> {
            Result r = result(runId, family, predictor, pairs);
            if (r != null) {
                out.add(r);
            }
        }));
        return out;
    }

    private Result result(String runId, String family, String predictor, Pairs pairs) {
        int layers = pairs.layers.length;
        int n = (int) pairs.layers[0].n;
        if (n < MIN_CHECKPOINTS) {
            return null;
        }
        double[] perLayer = new double[layers];
        int best = -1;
        for (int l = 0; l < layers; l++) {
            perLayer[l] = pairs.layers[l].r();
            if (!Double.isNaN(perLayer[l]) && (best < 0 || Math.abs(perLayer[l]) > Math.abs(perLayer[best]))) {
                best = l;
            }
        }
        double[] baseline = baseline(n, layers);
        double mean = Arrays.stream(baseline).average().orElse(Double.NaN);
        double p95 = percentile(baseline, 0.95);
        return new Result(runId, family, predictor, n, layers, pairs.blocks.clone(), perLayer, best,
                best < 0 ? Double.NaN : perLayer[best], mean, p95, draws);
    }

    /**
     * The baseline's draws for n checkpoints and L layers, drawn once per shape from the exact null distribution
     * of r (see {@link #nullBaseline}), so a draw costs the same whatever the run's length.
     */
    synchronized double[] baseline(int n, int layers) {
        long key = (long) n << 20 | layers;
        double[] cached = baselines.get(key);
        if (cached == null) {
            cached = nullBaseline(n, layers, new SplittableRandom(key * 0x9E3779B97F4A7C15L + draws));
            baselines.put(key, cached);
            if (baselines.size() > BASELINES_KEPT) {
                baselines.remove(baselines.keySet().iterator().next());
            }
        }
        return cached;
    }

    /**
     * The best-of-{@code layers} |r| of each draw, each layer's r taken from its null distribution: for n
     * independent standard normal values against any fixed non-constant series, r = Z / sqrt(Z^2 + C) with Z
     * standard normal and C chi-squared with n - 2 degrees of freedom, independent (the feature's component along
     * the centred series, against the rest of it orthogonal to the constant). Equal in distribution to
     * {@link #baseline(double[], int, SplittableRandom)}, at a cost independent of n.
     */
    double[] nullBaseline(int n, int layers, SplittableRandom random) {
        double[] stats = new double[draws];
        for (int d = 0; d < draws; d++) {
            double max = 0;
            for (int l = 0; l < layers; l++) {
                double z = random.nextGaussian();
                double r = Math.abs(z) / Math.sqrt(z * z + 2 * gamma((n - 2) / 2.0, random));
                if (r > max) {
                    max = r;
                }
            }
            stats[d] = max;
        }
        return stats;
    }

    /** A Gamma(shape, 1) draw for shape >= 1 (Marsaglia and Tsang's squeeze method). */
    static double gamma(double shape, SplittableRandom random) {
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }

    /** The best-of-{@code layers} |r| of each random draw against {@code y}, by simulation. */
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
