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
 * reported at once; the next K values then judge it STABLE or TRANSIENT.
 */
public final class ChangePointDetector {
    /** Differences kept for the noise estimate, and the fewest needed before any detection without stderr. */
    static final int DIFFERENCES_KEPT = 64;
    static final int MIN_DIFFERENCES = 5;
    private static final double MAD_TO_SIGMA = 1.0 / 0.6745;

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
        if (p.gapBefore()) {
            s.regime.clear();
            s.regimeStderr.clear();
        } else if (!s.regime.isEmpty()) {
            Prediction prediction = predict(s.regime);
            double pointSigma = pointSigma(s, p);
            if (Double.isFinite(pointSigma) && pointSigma > 0) {
                double sigma = Math.sqrt(pointSigma * pointSigma * (1 + prediction.varianceFactor()));
                double z = (x - prediction.value()) / sigma;
                if (Math.abs(z) >= threshold && Math.abs(x - prediction.value()) >= minDelta) {
                    String hopId = Ids.hop(s.runId, s.series, p.step());
                    hop = new Output.ModeHop(hopId, s.runId, s.series, p.step(), prevStep, s.anchorStep,
                            z > 0 ? Direction.UP : Direction.DOWN, null, null, prediction.value(), x, z, List.of());
                    s.regime.clear();
                    s.regimeStderr.clear();
                }
            }
        }
        s.regime.add(x);
        s.regimeStderr.add(Double.isFinite(p.stderr()) ? p.stderr() : Double.NaN);
        trim(s.regime, window);
        trim(s.regimeStderr, window);
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
        List<Output.HopStability> verdicts = judge.review(s, p.step(), x);
        if (hop != null) {
            s.pending.add(new SeriesState.PendingHop(hop.id(), hop.step(), null, hop.before(), hop.after()));
        }
        var observation = new Output.ModeObservation(Ids.observation(s.runId, s.series, p.step()), s.runId,
                s.series, p.step(), Mode.LEVEL, Mode.LEVEL, x, p.softScore(), null, p.gapBefore());
        return new SeriesUpdate(observation, hop, verdicts);
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
