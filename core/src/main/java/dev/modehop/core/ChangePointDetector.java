package dev.modehop.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Online change points of a series without item counts (loss, a benchmark accuracy, a match rate), with
 * the same output shape as mode hops. Each value is compared with a one-step prediction. Four predictors
 * run side by side and the one with the smallest recent errors (median absolute one-step error) speaks:
 * the current regime's mean (noise around a level), its straight-line fit (trends), the last value
 * (random walks) and a seasonal one (last value plus the change one period earlier, with the period read
 * from a peak of the recent history's autocorrelation). The noise scale is that predictor's own robust error scale
 * (its median absolute error), never below the producer's standard error where known, so seasonality,
 * trends and heavy tails widen the scale instead of firing.
 *
 * <p>A value at least {@code changePointZ} scales off the prediction is a suspect; it is not learned
 * from. The next value decides: if it sits nearer the suspect's level (the prediction shifted by the
 * suspect's error) than the old prediction, and at least {@value #CONFIRM_Z} scales off the old
 * prediction, a change is reported at the suspect, one checkpoint late; otherwise the suspect was an
 * outlier and the prediction replaces it in the history. So a single outlier is never a change, and no
 * change is reported later than one checkpoint after it. Where the producer's stderr is known and the
 * series scatters as it says ({@link #STATED_RATIO}), the noise is known and lighter thresholds apply
 * ({@value #STATED_Z} and {@value #STATED_CONFIRM_Z}); where the scale is the series' own estimate, the
 * threshold widens with how few errors it rests on. A confirmed move back to the old level within
 * {@value #RETURN_WINDOW} points of a change ends that change rather than being reported, and a series whose
 * recent outlier rate is at least {@value #OUTLIER_PRONE} follows a two-point shift without reporting it.
 * The next K values then judge each change STABLE or TRANSIENT. State: bounded histories ({@value #HISTORY}
 * values, {@value #ERRORS} errors per predictor, the regime's last {@code changePointWindow} values), the
 * last change's two levels and the outlier rate: O(1) per series.
 */
public final class ChangePointDetector {
    static final int HISTORY = 64;
    static final int ERRORS = 32;
    /**
     * Errors a predictor needs before it may speak (with fewer, the best of four is often the luckiest:
     * 8 fired on seasonal and noise series of 30-50 points), and the shortest regime a new change may follow.
     */
    static final int MIN_ERRORS = 12;
    /** With the producer's standard error as a floor under the scale, fewer errors are enough. */
    static final int MIN_ERRORS_WITH_STDERR = 3;
    /**
     * Points after a change's confirmation within which a confirmed move back to the old level ends that
     * change instead of being one (an excursion of 2-3 points; one that held 4 points is two changes).
     */
    static final int RETURN_WINDOW = 3;
    static final int MIN_REGIME = 3;
    /** How far off the old prediction the value after a suspect must be to confirm it. */
    static final double CONFIRM_Z = 3.5;
    /**
     * Stated noise: the producer's stderr is known and the best predictor's robust error scale is at most
     * {@value #STATED_RATIO} times it, so the series scatters as its stated (binomial, Gaussian) noise says
     * and the tails need no extra margin. Then a suspect needs {@value #STATED_Z} scales, its confirmation
     * {@value #STATED_CONFIRM_Z}, and only predictors within {@value #STATED_PLAUSIBLE} of the best count.
     */
    static final double STATED_RATIO = 1.5;
    static final double STATED_Z = 3.0;
    static final double STATED_CONFIRM_Z = 2.5;
    static final double STATED_PLAUSIBLE = 1.3;
    /**
     * Without stated noise the scale is estimated from m errors, the best of four predictors' at that:
     * the threshold is widened by (1 + {@value #FEW_ERRORS}/m) for that uncertainty.
     */
    static final double FEW_ERRORS = 2.0;
    /** Weight of each value in the series' recent outlier rate, and the rate that makes a series outlier-prone. */
    static final double OUTLIER_WEIGHT = 1.0 / 64;
    static final double OUTLIER_PRONE = 0.02;
    /** Predictors whose recent errors are within this factor of the best's are plausible too. */
    static final double PLAUSIBLE = 2.0;
    /** Shortest and longest seasonal period looked for, and the autocorrelation that makes one. */
    static final int MIN_PERIOD = 3;
    static final int MAX_PERIOD = 24;
    static final double MIN_AUTOCORRELATION = 0.4;
    private static final double MAD_TO_SIGMA = 1.4826;

    /** The predictors, in the order ties are broken. */
    enum Predictor { MEAN, TREND, LAST, SEASONAL }

    private final double threshold;
    private final double minDelta;
    private final int regimeWindow;
    private final StabilityJudge judge;

    public ChangePointDetector(MonitorConfig config) {
        this.threshold = config.changePointZ();
        this.minDelta = config.changePointMinDelta();
        this.regimeWindow = config.changePointWindow();
        this.judge = new StabilityJudge(config.stabilityCheckpoints());
    }

    /** What the detector keeps of one series. */
    public static final class State {
        /** Recent values, outliers replaced by their prediction, levels shifted at each change. */
        public List<Double> history = new ArrayList<>();
        /** Values of the current regime. */
        public List<Double> regime = new ArrayList<>();
        /** Recent one-step errors of each predictor (indexed by {@link Predictor#ordinal()}). */
        public List<List<Double>> errors = new ArrayList<>();
        public double suspectValue = Double.NaN;
        public long suspectStep = -1;
        public long suspectPrevStep = -1;
        public double suspectPrediction;
        public double suspectZ;
        public double suspectScale;
        /** The last reported change's level before and after, and points seen since it was confirmed (-1: none recent). */
        public double changeFrom = Double.NaN;
        public double changeTo = Double.NaN;
        public int sinceChange = -1;
        /** Exponentially weighted share of recent values that were outliers (rejected suspects). */
        public double outlierRate;

        public State() {
            for (int i = 0; i < Predictor.values().length; i++) {
                errors.add(new ArrayList<>());
            }
        }

        boolean hasSuspect() {
            return suspectStep >= 0;
        }
    }

    public SeriesUpdate observe(SeriesState s, SeriesPoint p) {
        State c = s.changePoint;
        double x = p.value();
        long prevStep = s.lastStep;
        Output.ModeHop hop = null;
        boolean confirmedBefore = false;
        if (p.gapBefore()) {
            c.history.clear();
            c.regime.clear();
            clearSuspect(c);
            c.sinceChange = -1;
        }
        if (c.sinceChange >= 0 && ++c.sinceChange > RETURN_WINDOW) {
            c.sinceChange = -1;
        }
        c.outlierRate *= 1 - OUTLIER_WEIGHT;
        if (c.hasSuspect()) {
            double[] unshifted = predictions(withValue(c.history, c.suspectPrediction), withValue(c.regime, c.suspectPrediction));
            Predictor best = best(c, unshifted, c.suspectScale > 0);
            double before = best == null ? c.suspectPrediction : unshifted[best.ordinal()];
            double level = before + (c.suspectValue - c.suspectPrediction);
            double off = (x - before) / c.suspectScale;
            boolean stated = Double.isFinite(p.stderr()) && p.stderr() > 0 && c.suspectScale <= STATED_RATIO * p.stderr();
            boolean confirms = Math.abs(off) >= (stated ? STATED_CONFIRM_Z : CONFIRM_Z) && Math.signum(off) == Math.signum(c.suspectZ)
                    && Math.abs(x - level) < Math.abs(x - before);
            if (confirms) {
                boolean returns = c.sinceChange >= 0 && c.sinceChange <= RETURN_WINDOW
                        && Math.abs(c.suspectValue - c.changeFrom) < Math.abs(c.suspectValue - c.changeTo);
                boolean prone = c.outlierRate >= OUTLIER_PRONE && !stated;
                if (returns || prone) {
                    // Back where it was right after a change: that change was transient (its verdict says
                    // so) and its end is no change of its own. In a series that throws outliers often, two
                    // in a row on one side look like a shift for as long as one point of delay allows
                    // looking: the new level is followed, silently.
                    c.sinceChange = -1;
                } else {
                    hop = change(s, c.suspectStep, c.suspectPrevStep, c.suspectPrediction, c.suspectValue, c.suspectZ);
                    c.changeFrom = c.suspectPrediction;
                    c.changeTo = c.suspectValue;
                    c.sinceChange = 0;
                }
                double shift = c.suspectValue - c.suspectPrediction;
                c.history.replaceAll(v -> v + shift);
                add(c.history, c.suspectValue, HISTORY);
                add(c.history, x, HISTORY);
                c.regime.clear();
                c.regime.add(c.suspectValue);
                c.regime.add(x);
                clearSuspect(c);
                confirmedBefore = true;
            } else {
                // An outlier: what the series would have been takes its place.
                c.outlierRate += OUTLIER_WEIGHT;
                add(c.history, c.suspectPrediction, HISTORY);
                add(c.regime, c.suspectPrediction, regimeWindow);
                clearSuspect(c);
            }
        }
        if (!confirmedBefore) {
            step(c, p, prevStep);
        }
        s.lastStep = p.step();
        s.anchorStep = p.step();
        s.anchorValue = x;
        s.confirmed = Mode.LEVEL;
        s.observations++;
        List<Output.HopStability> verdicts = judge.review(s, p.step(), x);
        if (hop != null) {
            var pending = new SeriesState.PendingHop(hop.id(), hop.step(), null, hop.before(), hop.after());
            // Confirmed one checkpoint late: this value already counts toward its verdict.
            pending.observed = 1;
            pending.sumAfter = x;
            s.pending.add(pending);
        }
        var observation = new Output.ModeObservation(Ids.observation(s.runId, s.series, p.step()), s.runId,
                s.series, p.step(), Mode.LEVEL, Mode.LEVEL, x, p.softScore(), null, p.gapBefore());
        return new SeriesUpdate(observation, hop, verdicts);
    }

    /** A value with no suspect before it: a new suspect, or learned from. */
    private void step(State c, SeriesPoint p, long prevStep) {
        double x = p.value();
        double[] predicted = predictions(c.history, c.regime);
        Predictor best = best(c, predicted, Double.isFinite(p.stderr()) && p.stderr() > 0);
        if (best != null && c.regime.size() >= MIN_REGIME) {
            double scale = scale(c.errors.get(best.ordinal()), p.stderr());
            double e = x - predicted[best.ordinal()];
            double z = e / scale;
            List<Double> errors = c.errors.get(best.ordinal());
            boolean stated = statedNoise(errors, p.stderr());
            double t = stated ? STATED_Z : threshold * (1 + FEW_ERRORS / errors.size());
            if (Math.abs(z) >= t && Math.abs(e) >= minDelta
                    && surprisesEveryPlausible(c, predicted, best, x, z, scale, t, stated ? STATED_PLAUSIBLE : PLAUSIBLE)) {
                c.suspectValue = x;
                c.suspectStep = p.step();
                c.suspectPrevStep = prevStep;
                c.suspectPrediction = predicted[best.ordinal()];
                c.suspectZ = z;
                c.suspectScale = scale;
                return;
            }
        }
        for (Predictor k : Predictor.values()) {
            if (Double.isFinite(predicted[k.ordinal()])) {
                add(c.errors.get(k.ordinal()), x - predicted[k.ordinal()], ERRORS);
            }
        }
        add(c.history, x, HISTORY);
        add(c.regime, x, regimeWindow);
    }

    /**
     * A suspect must surprise every predictor that is nearly as good as the best (recent errors at most
     * {@code plausible} times the best's: {@value #PLAUSIBLE}, {@value #STATED_PLAUSIBLE} with stated noise), in the same direction and on the best's scale: a value that one good model of the
     * series expects (a trend the mean misses, a season the trend misses) is no change.
     */
    private boolean surprisesEveryPlausible(State c, double[] predicted, Predictor best, double x, double z,
                                            double scale, double threshold, double plausible) {
        double bestMad = medianAbs(c.errors.get(best.ordinal()));
        for (Predictor k : Predictor.values()) {
            List<Double> e = c.errors.get(k.ordinal());
            if (k == best || e.size() < MIN_ERRORS_WITH_STDERR || !Double.isFinite(predicted[k.ordinal()])
                    || medianAbs(e) > plausible * bestMad) {
                continue;
            }
            double zk = (x - predicted[k.ordinal()]) / scale;
            if (Math.abs(zk) < threshold || Math.signum(zk) != Math.signum(z)) {
                return false;
            }
        }
        return true;
    }

    /** The predictor with the smallest recent errors among those that predict now. */
    static Predictor best(State c, double[] predicted, boolean stderrKnown) {
        int needed = stderrKnown ? MIN_ERRORS_WITH_STDERR : MIN_ERRORS;
        Predictor best = null;
        double bestMad = Double.POSITIVE_INFINITY;
        for (Predictor k : Predictor.values()) {
            List<Double> e = c.errors.get(k.ordinal());
            if (e.size() >= needed && Double.isFinite(predicted[k.ordinal()])) {
                double mad = medianAbs(e);
                if (mad < bestMad) {
                    bestMad = mad;
                    best = k;
                }
            }
        }
        return best;
    }

    /** The series scatters as the producer's stderr says (see {@link #STATED_RATIO}). */
    static boolean statedNoise(List<Double> errors, double stderr) {
        return Double.isFinite(stderr) && stderr > 0 && MAD_TO_SIGMA * medianAbs(errors) <= STATED_RATIO * stderr;
    }

    private static double scale(List<Double> errors, double stderr) {
        double robust = MAD_TO_SIGMA * medianAbs(errors);
        double known = Double.isFinite(stderr) && stderr > 0 ? stderr : 0;
        double scale = Math.max(robust, known);
        return scale > 0 ? scale : Double.MIN_NORMAL;
    }

    /** One-step predictions of every predictor (NaN where it has too little to go on). */
    static double[] predictions(List<Double> history, List<Double> regime) {
        double[] out = new double[Predictor.values().length];
        Arrays.fill(out, Double.NaN);
        int m = regime.size();
        if (m > 0) {
            double mean = 0;
            for (double v : regime) {
                mean += v;
            }
            mean /= m;
            out[Predictor.MEAN.ordinal()] = mean;
            if (m >= 4) {
                double xMean = (m - 1) / 2.0;
                double sxx = 0;
                double sxy = 0;
                for (int i = 0; i < m; i++) {
                    sxx += (i - xMean) * (i - xMean);
                    sxy += (i - xMean) * (regime.get(i) - mean);
                }
                out[Predictor.TREND.ordinal()] = mean + sxy / sxx * (m - xMean);
            }
        }
        int n = history.size();
        if (n > 0) {
            out[Predictor.LAST.ordinal()] = history.get(n - 1);
            int period = period(history);
            if (period > 0) {
                out[Predictor.SEASONAL.ordinal()] = history.get(n - 1) + history.get(n - period)
                        - history.get(n - period - 1);
            }
        }
        return out;
    }

    /**
     * The lag with the largest autocorrelation of the recent history (detrended by its straight-line fit)
     * among lags where it peaks, or 0 if no peak reaches {@value #MIN_AUTOCORRELATION}. Requiring a peak
     * keeps random walks, whose autocorrelation only decays, from looking seasonal.
     */
    static int period(List<Double> history) {
        int n = history.size();
        int maxLag = Math.min(MAX_PERIOD, (n - 1) / 3);
        if (maxLag < MIN_PERIOD) {
            return 0;
        }
        double mean = 0;
        for (double v : history) {
            mean += v;
        }
        mean /= n;
        double tMean = (n - 1) / 2.0;
        double stt = 0;
        double sty = 0;
        for (int i = 0; i < n; i++) {
            stt += (i - tMean) * (i - tMean);
            sty += (i - tMean) * (history.get(i) - mean);
        }
        double slope = sty / stt;
        double[] d = new double[n];
        double var = 0;
        for (int i = 0; i < n; i++) {
            d[i] = history.get(i) - mean - slope * (i - tMean);
            var += d[i] * d[i];
        }
        if (!(var > 0)) {
            return 0;
        }
        double[] acf = new double[maxLag + 2];
        for (int lag = MIN_PERIOD - 1; lag <= maxLag + 1 && lag < n; lag++) {
            double sum = 0;
            for (int i = lag; i < n; i++) {
                sum += d[i] * d[i - lag];
            }
            acf[lag] = sum / var;
        }
        int best = 0;
        double bestAcf = MIN_AUTOCORRELATION;
        for (int lag = MIN_PERIOD; lag <= maxLag; lag++) {
            boolean peak = acf[lag] > acf[lag - 1] && acf[lag] >= acf[lag + 1];
            if (peak && acf[lag] > bestAcf) {
                bestAcf = acf[lag];
                best = lag;
            }
        }
        return best;
    }

    private Output.ModeHop change(SeriesState s, long step, long prevStep, double before, double after, double z) {
        return new Output.ModeHop(Ids.hop(s.runId, s.series, step), s.runId, s.series, step, prevStep, prevStep,
                z > 0 ? Direction.UP : Direction.DOWN, null, null, before, after, z, List.of());
    }

    private static void clearSuspect(State c) {
        c.suspectValue = Double.NaN;
        c.suspectStep = -1;
        c.suspectPrevStep = -1;
        c.suspectPrediction = 0;
        c.suspectZ = 0;
        c.suspectScale = 0;
    }

    private static List<Double> withValue(List<Double> values, double v) {
        List<Double> out = new ArrayList<>(values);
        out.add(v);
        return out;
    }

    private static void add(List<Double> values, double v, int max) {
        values.add(v);
        while (values.size() > max) {
            values.remove(0);
        }
    }

    private static double medianAbs(List<Double> values) {
        double[] a = new double[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.abs(values.get(i));
        }
        Arrays.sort(a);
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }
}
