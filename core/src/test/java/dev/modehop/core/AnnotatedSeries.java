package dev.modehop.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * An annotated benchmark of generic series (no item counts) with the properties that make change-point
 * detection hard: random walks with level shifts, seasonal series with and without breaks, trends whose
 * slope changes, heavy-tailed noise and single outliers that are not changes, and plain noise. 20 to 800
 * points each; the annotation is where the generating process changes. Scored as is usual for such
 * benchmarks: F1 with a margin (the series start counts as a change point for both sides, so "no change
 * points" scores its recall on the start) and segmentation covering.
 */
public final class AnnotatedSeries {
    private AnnotatedSeries() {
    }

    public enum Kind {
        RANDOM_WALK_SHIFTS, SEASONAL, SEASONAL_BREAKS, TREND_SLOPE_CHANGES, OUTLIERS_NO_CHANGE, HEAVY_TAIL_SHIFTS, NOISE
    }

    public record Series(String name, Kind kind, double[] values, List<Integer> changes) {
    }

    public static List<Series> generate(long seed, int perKind) {
        Random rnd = new Random(seed);
        List<Series> out = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (int i = 0; i < perKind; i++) {
                int n = (int) Math.round(20 * Math.pow(40, rnd.nextDouble()));
                out.add(one(rnd, kind, kind.name().toLowerCase() + "-" + i, n));
            }
        }
        return out;
    }

    private static Series one(Random rnd, Kind kind, String name, int n) {
        double[] x = new double[n];
        double scale = Math.pow(10, 4 * rnd.nextDouble() - 2);
        double offset = 10 * scale * rnd.nextGaussian();
        List<Integer> changes = kind == Kind.SEASONAL || kind == Kind.OUTLIERS_NO_CHANGE || kind == Kind.NOISE
                ? List.of() : changePoints(rnd, n);
        int period = 4 + rnd.nextInt(21);
        double amplitude = 2 + 4 * rnd.nextDouble();
        double level = 0;
        double slope = (rnd.nextDouble() - 0.5) * 0.2;
        int next = 0;
        for (int t = 0; t < n; t++) {
            boolean change = next < changes.size() && changes.get(next) == t;
            if (change) {
                next++;
            }
            double noise = rnd.nextGaussian();
            switch (kind) {
                case RANDOM_WALK_SHIFTS -> {
                    level += noise + (change ? shift(rnd, 6, 12) : 0);
                    x[t] = level;
                }
                case SEASONAL -> x[t] = amplitude * Math.sin(2 * Math.PI * t / period) + noise;
                case SEASONAL_BREAKS -> {
                    level += change ? shift(rnd, 4, 8) : 0;
                    x[t] = level + amplitude * Math.sin(2 * Math.PI * t / period) + noise;
                }
                case TREND_SLOPE_CHANGES -> {
                    if (change) {
                        double delta = (0.4 + 0.8 * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1);
                        slope += delta;
                    }
                    level += slope;
                    x[t] = level + noise;
                }
                case OUTLIERS_NO_CHANGE -> x[t] = (rnd.nextDouble() < 0.03 ? shift(rnd, 6, 12) : 0) + noise;
                case HEAVY_TAIL_SHIFTS -> {
                    level += change ? shift(rnd, 6, 10) : 0;
                    x[t] = level + studentT3(rnd) / Math.sqrt(3);
                }
                case NOISE -> x[t] = noise;
                default -> throw new IllegalStateException();
            }
        }
        for (int t = 0; t < n; t++) {
            x[t] = offset + scale * x[t];
        }
        return new Series(name, kind, x, changes);
    }

    /** 0-4 change points at least 10 points apart and 5 from the ends. */
    private static List<Integer> changePoints(Random rnd, int n) {
        int wanted = rnd.nextInt(Math.min(5, n / 20 + 1));
        Set<Integer> cps = new TreeSet<>();
        for (int tries = 0; cps.size() < wanted && tries < 200; tries++) {
            int c = 5 + rnd.nextInt(Math.max(1, n - 10));
            boolean far = c >= 10 && c <= n - 5;
            for (int o : cps) {
                far &= Math.abs(o - c) >= 10;
            }
            if (far) {
                cps.add(c);
            }
        }
        return new ArrayList<>(cps);
    }

    private static double shift(Random rnd, double min, double max) {
        return (min + (max - min) * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1);
    }

    private static double studentT3(Random rnd) {
        double chi = 0;
        for (int i = 0; i < 3; i++) {
            double g = rnd.nextGaussian();
            chi += g * g;
        }
        return rnd.nextGaussian() / Math.sqrt(chi / 3);
    }

    /** F1 with a margin; the start (index 0) counts as a change point in both lists. */
    public static double f1(List<Integer> truth, List<Integer> detected, int margin) {
        List<Integer> t = withStart(truth);
        List<Integer> d = withStart(detected);
        boolean[] used = new boolean[d.size()];
        int tp = 0;
        for (int c : t) {
            for (int j = 0; j < d.size(); j++) {
                if (!used[j] && Math.abs(d.get(j) - c) <= margin) {
                    used[j] = true;
                    tp++;
                    break;
                }
            }
        }
        double precision = tp / (double) d.size();
        double recall = tp / (double) t.size();
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    /** Segmentation covering of the truth by the detected segmentation (both on n points). */
    public static double covering(List<Integer> truth, List<Integer> detected, int n) {
        List<int[]> a = segments(truth, n);
        List<int[]> b = segments(detected, n);
        double sum = 0;
        for (int[] s : a) {
            double best = 0;
            for (int[] r : b) {
                int inter = Math.max(0, Math.min(s[1], r[1]) - Math.max(s[0], r[0]));
                int union = Math.max(s[1], r[1]) - Math.min(s[0], r[0]);
                best = Math.max(best, inter / (double) union);
            }
            sum += (s[1] - s[0]) * best;
        }
        return sum / n;
    }

    private static List<Integer> withStart(List<Integer> cps) {
        TreeSet<Integer> s = new TreeSet<>(cps);
        s.add(0);
        return new ArrayList<>(s);
    }

    private static List<int[]> segments(List<Integer> cps, int n) {
        List<Integer> bounds = withStart(cps);
        bounds.removeIf(c -> c >= n);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < bounds.size(); i++) {
            out.add(new int[] {bounds.get(i), i + 1 < bounds.size() ? bounds.get(i + 1) : n});
        }
        return out;
    }
}
