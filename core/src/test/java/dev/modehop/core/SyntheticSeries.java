package dev.modehop.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic metric series without item counts, for the change-point benchmark: piecewise levels with
 * jumps of 3 to 8 noise standard deviations after 8 to 30 points, slow drifts inside each level,
 * Gaussian noise.
 */
public final class SyntheticSeries {
    private SyntheticSeries() {
    }

    public record Series(String name, double[] values, double sigma, List<Integer> changes) {
    }

    public static List<Series> generate(long seed, int count, int length, double driftPerPointInSigma) {
        Random rnd = new Random(seed);
        List<Series> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            double sigma = 0.005 + 0.02 * rnd.nextDouble();
            double level = 0.3 + 0.4 * rnd.nextDouble();
            double drift = (rnd.nextDouble() - 0.5) * 2 * driftPerPointInSigma * sigma;
            int until = 8 + rnd.nextInt(23);
            double[] values = new double[length];
            List<Integer> changes = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                if (until-- == 0 && i < length - 3) {
                    double jump = (3 + 5 * rnd.nextDouble()) * sigma * (rnd.nextBoolean() ? 1 : -1);
                    level += jump;
                    changes.add(i);
                    until = 8 + rnd.nextInt(23);
                    drift = (rnd.nextDouble() - 0.5) * 2 * driftPerPointInSigma * sigma;
                }
                level += drift;
                values[i] = level + sigma * rnd.nextGaussian();
            }
            out.add(new Series("s" + s, values, sigma, changes));
        }
        return out;
    }

    /** Precision, recall and mean delay of detections against planted changes (a match lies 0..tolerance after). */
    public record Match(int planted, int detected, int matched, double meanDelay) {
        public double precision() {
            return detected == 0 ? Double.NaN : matched / (double) detected;
        }

        public double recall() {
            return planted == 0 ? Double.NaN : matched / (double) planted;
        }

        public double f1() {
            double p = detected == 0 ? 0 : precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }

    public static Match match(List<Integer> planted, List<Integer> detected, int tolerance) {
        boolean[] used = new boolean[detected.size()];
        int matched = 0;
        double delay = 0;
        for (int p : planted) {
            for (int j = 0; j < detected.size(); j++) {
                int d = detected.get(j);
                if (!used[j] && d >= p && d <= p + tolerance) {
                    used[j] = true;
                    matched++;
                    delay += d - p;
                    break;
                }
            }
        }
        return new Match(planted.size(), detected.size(), matched, matched == 0 ? Double.NaN : delay / matched);
    }

    /** Runs modehop's change-point detector over one series; returns alarm indices. */
    public static List<Integer> detect(OfflineDetection detection, Series s, boolean giveStderr) {
        List<OfflineDetection.Point> points = new ArrayList<>();
        for (int i = 0; i < s.values().length; i++) {
            points.add(new OfflineDetection.Point(s.name(), i, s.values()[i], null, giveStderr ? s.sigma() : Double.NaN));
        }
        List<Integer> out = new ArrayList<>();
        for (OfflineDetection.DetectedHop h : detection.detect(points)) {
            out.add(h.index());
        }
        return out;
    }
}
