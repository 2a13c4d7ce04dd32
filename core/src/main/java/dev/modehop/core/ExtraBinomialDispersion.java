package dev.modehop.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Online estimate of the noise a probe family's accuracy has beyond the binomial noise of its item count:
 * tasks of a family differ, the seeds of a question are correlated, and a model wobbles between
 * neighbouring checkpoints. It learns from the family's own recent checkpoints: the difference of two
 * successive accuracies has variance {@code v1 + v2 + 2 * extra} (binomial variances v plus twice the
 * per-checkpoint extra variance), so the extra variance is half of what the differences show beyond
 * their binomial part. The mean square is clipped at three robust standard deviations (from the median
 * square), so one undetected jump among the last {@value #KEPT} cannot inflate it, and the extra variance
 * counts only when the spread clearly exceeds the binomial one (a one-sided chi-square test at about 5%),
 * so that a binomial series keeps its binomial noise instead of an estimate's random excess. Differences across a hop or a gap are not noise and
 * are left out. State: the last {@value #KEPT} differences, O(1) per series.
 */
public final class ExtraBinomialDispersion {
    /** Differences kept; the estimate needs {@value #MIN_DIFFERENCES} of them. */
    static final int KEPT = 8;
    static final int MIN_DIFFERENCES = 4;
    /** Differences beyond this many robust standard deviations are clipped: one missed jump is not noise. */
    static final double CLIP_Z = 3.0;
    /** How far above its binomial expectation (in standard deviations of chi-square) the spread must be. */
    static final double EXCESS_Z = 1.645;
    /** The median of a squared standard normal. */
    private static final double MEDIAN_CHI2_1 = 0.4549364231195724;

    private ExtraBinomialDispersion() {
    }

    /** What the estimator keeps of one series: the last differences and their binomial variances. */
    public static final class State {
        public List<Double> differences = new ArrayList<>();
        public List<Double> binomialVariances = new ArrayList<>();
        public double lastValue = Double.NaN;
        public double lastBinomialVariance = Double.NaN;
    }

    /**
     * Adds a checkpoint. {@code countsAsNoise} false (a hop before it, a gap) keeps its difference out;
     * the checkpoint still becomes the reference for the next one.
     */
    public static void observe(State s, double value, double binomialVariance, boolean countsAsNoise) {
        if (countsAsNoise && Double.isFinite(s.lastValue)) {
            s.differences.add(value - s.lastValue);
            s.binomialVariances.add(binomialVariance + s.lastBinomialVariance);
            if (s.differences.size() > KEPT) {
                s.differences.remove(0);
                s.binomialVariances.remove(0);
            }
        }
        s.lastValue = value;
        s.lastBinomialVariance = binomialVariance;
    }

    /** The extra variance of one checkpoint's accuracy; 0 until enough differences were seen. */
    public static double extraVariance(State s) {
        int m = s.differences.size();
        if (m < MIN_DIFFERENCES) {
            return 0;
        }
        double[] squares = new double[m];
        for (int i = 0; i < m; i++) {
            double d = s.differences.get(i);
            squares[i] = d * d;
        }
        double[] sorted = squares.clone();
        Arrays.sort(sorted);
        double median = m % 2 == 1 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
        double cap = CLIP_Z * CLIP_Z * median / MEDIAN_CHI2_1;
        double sum = 0;
        double binomial = 0;
        double chiSquare = 0;
        for (int i = 0; i < m; i++) {
            double v = s.binomialVariances.get(i);
            double clipped = Math.min(squares[i], cap);
            sum += clipped;
            binomial += v;
            chiSquare += clipped / v;
        }
        // Without extra noise the clipped sum of squares over binomial variances is about chi-square with
        // m degrees of freedom; only a clear excess counts, so that pure binomial series keep their noise.
        if (chiSquare <= m + EXCESS_Z * Math.sqrt(2.0 * m)) {
            return 0;
        }
        return Math.max(0, (sum - binomial) / (2.0 * m));
    }
}
