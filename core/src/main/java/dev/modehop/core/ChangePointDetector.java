package dev.modehop.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Online change points of a series without item counts (loss, a benchmark accuracy), with the same
 * output shape as mode hops. Each new value is compared with the prediction of the current regime (its
 * mean, or a straight-line fit once the regime has four points, so slow drifts are followed rather than
 * flagged). The noise scale is the value's own standard error when the producer knows it, otherwise a
 * robust estimate from the series' first differences (their median, which one jump cannot inflate).
 * A value more than {@code changePointZ} standard deviations from the prediction starts a new regime and is
 * reported at once. A smaller shift (at least {@value #CONFIRM_Z} standard deviations) is reported when the
 * next value confirms it on the same side, one checkpoint later, as starting at the first of the two. The
 * next K values then judge each change STABLE or TRANSIENT.
 */
public final class ChangePointDetector {
    /** Differences kept for the noise estimate, and the fewest needed before any detection without stderr. */
    static final int DIFFERENCES_KEPT = 64;
    static final int MIN_DIFFERENCES = 5;
    private static final double MAD_TO_SIGMA = 1.0 / 0.6745;
    /** Two successive values this far out on the same side make a change. */
    static final double CONFIRM_Z = 3.0;

    private final double threshold;
    private final double minDelta;
    private final int window;
    private final StabilityJudge judge;

    public ChangePointDetector(MonitorConfig config) {
        this.threshold = config.changePointZ();
        this.minDelta = config.changePointMinDelta();
        this.window = config.changePointWindow();
        this.judge = new StabilityJudge(config.stabilityCheckpoints());
    }

    public SeriesUpdate observe(SeriesState s, SeriesPoint p) {
        double x = p.value();
        long prevStep = s.lastStep;
        Output.ModeHop hop = null;
        boolean startsRegime = false;
        if (p.gapBefore()) {
            s.regime.clear();
            s.regimeStderr.clear();
            clearSuspect(s);
        } else if (!s.regime.isEmpty()) {
            Prediction prediction = predict(s.regime);
            double pointSigma = pointSigma(s, p);
            if (Double.isFinite(pointSigma) && pointSigma > 0) {
                double sigma = Math.sqrt(pointSigma * pointSigma * (1 + prediction.varianceFactor()));
                double z = (x - prediction.value()) / sigma;
                boolean bigEnough = Math.abs(x - prediction.value()) >= minDelta;
                if (hasSuspect(s) && Math.abs(z) >= CONFIRM_Z && Math.signum(z) == Math.signum(s.suspectZ) && bigEnough) {
                    hop = change(s, s.suspectStep, s.suspectPrevStep, s.suspectPrediction, s.suspectValue, s.suspectZ);
                    s.regime.clear();
                    s.regimeStderr.clear();
                    s.regime.add(s.suspectValue);
                    s.regimeStderr.add(s.suspectStderr);
                    clearSuspect(s);
                } else if (Math.abs(z) >= threshold && bigEnough) {
                    hop = change(s, p.step(), prevStep, prediction.value(), x, z);
                    s.regime.clear();
                    s.regimeStderr.clear();
                    clearSuspect(s);
                    startsRegime = true;
                } else if (Math.abs(z) >= CONFIRM_Z && bigEnough) {
                    if (hasSuspect(s)) {
                        absorbSuspect(s);
                    }
                    s.suspectValue = x;
                    s.suspectStderr = Double.isFinite(p.stderr()) ? p.stderr() : Double.NaN;
                    s.suspectStep = p.step();
                    s.suspectPrevStep = prevStep;
                    s.suspectZ = z;
                    s.suspectPrediction = prediction.value();
                    remember(s, p, x);
                    return observation(s, p, x, null);
                } else if (hasSuspect(s)) {
                    absorbSuspect(s);
                }
            }
        }
        if (startsRegime || !hasSuspect(s)) {
            s.regime.add(x);
            s.regimeStderr.add(Double.isFinite(p.stderr()) ? p.stderr() : Double.NaN);
        }
        trim(s.regime, window);
        trim(s.regimeStderr, window);
        remember(s, p, x);
        return observation(s, p, x, hop);
    }

    private Output.ModeHop change(SeriesState s, long step, long prevStep, double before, double after, double z) {
        return new Output.ModeHop(Ids.hop(s.runId, s.series, step), s.runId, s.series, step, prevStep, prevStep,
                z > 0 ? Direction.UP : Direction.DOWN, null, null, before, after, z, List.of());
    }

    private SeriesUpdate observation(SeriesState s, SeriesPoint p, double x, Output.ModeHop hop) {
        List<Output.HopStability> verdicts = judge.review(s, p.step(), x);
        if (hop != null) {
            var pending = new SeriesState.PendingHop(hop.id(), hop.step(), null, hop.before(), hop.after());
            if (hop.step() < p.step()) {
                // Confirmed one checkpoint late: this value already counts toward its verdict.
                pending.observed = 1;
                pending.sumAfter = x;
            }
            s.pending.add(pending);
        }
        var observation = new Output.ModeObservation(Ids.observation(s.runId, s.series, p.step()), s.runId,
                s.series, p.step(), Mode.LEVEL, Mode.LEVEL, x, p.softScore(), null, p.gapBefore());
        return new SeriesUpdate(observation, hop, verdicts);
    }

    private static void remember(SeriesState s, SeriesPoint p, double x) {
        if (Double.isFinite(s.lastValue) && !p.gapBefore()) {
            s.differences.add(Math.abs(x - s.lastValue));
            trim(s.differences, DIFFERENCES_KEPT);
        }
        s.lastValue = x;
        s.lastStep = p.step();
        s.anchorStep = p.step();
        s.anchorValue = x;
        s.confirmed = Mode.LEVEL;
        s.observations++;
    }

    private static boolean hasSuspect(SeriesState s) {
        return s.suspectStep >= 0;
    }

    /** The suspect was noise after all: it joins the regime. */
    private void absorbSuspect(SeriesState s) {
        s.regime.add(s.suspectValue);
        s.regimeStderr.add(s.suspectStderr);
        clearSuspect(s);
    }

    private static void clearSuspect(SeriesState s) {
        s.suspectValue = Double.NaN;
        s.suspectStderr = Double.NaN;
        s.suspectStep = -1;
        s.suspectPrevStep = -1;
        s.suspectZ = 0;
    }

    private static double pointSigma(SeriesState s, SeriesPoint p) {
        if (Double.isFinite(p.stderr()) && p.stderr() > 0) {
            return p.stderr();
        }
        if (s.differences.size() < MIN_DIFFERENCES) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(s.differences);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        // |a - b| of two draws with sd sigma has median 0.6745 * sqrt(2) * sigma.
        return median * MAD_TO_SIGMA / Math.sqrt(2);
    }

    /**
     * The regime's prediction of the next value, and the prediction's variance in units of one point's
     * variance.
     */
    record Prediction(double value, double varianceFactor) {
    }

    static Prediction predict(List<Double> regime) {
        int m = regime.size();
        double mean = 0;
        for (double v : regime) {
            mean += v;
        }
        mean /= m;
        if (m < 4) {
            return new Prediction(mean, 1.0 / m);
        }
        double xMean = (m - 1) / 2.0;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < m; i++) {
            sxx += (i - xMean) * (i - xMean);
            sxy += (i - xMean) * (regime.get(i) - mean);
        }
        double slope = sxy / sxx;
        double at = m;
        return new Prediction(mean + slope * (at - xMean), 1.0 / m + (at - xMean) * (at - xMean) / sxx);
    }

    private static void trim(List<Double> values, int max) {
        while (values.size() > max) {
            values.remove(0);
        }
    }
}
