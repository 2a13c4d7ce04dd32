package dev.modehop.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Across a run's hops, which data sources preceded moves toward generalization, toward parrot and toward MIXED:
 * per source, how many hops of each direction it took part in and its weight in the windows that trained the
 * model just before them, against the run's base rate (its mean weight over all the run's hops).
 *
 * <p>Significance: under the null hypothesis that a source's weight before a hop does not depend on where the
 * hop goes, the hops toward one mode are a random draw, without replacement, from all the run's hops. The
 * z-score of their mean weight is then (mean toward the mode - mean over all hops) divided by the standard
 * error of a mean of n draws out of N (the finite-population correction included). A source absent from a
 * hop's windows counts with weight 0 there.
 */
public final class SourceStatistics {
    /** The modes a hop can move toward that say something about generalization. */
    public static final List<Mode> TARGETS = List.of(Mode.GENERALIZING, Mode.PARROT, Mode.MIXED);

    public TreeMap<String, Tally> sources = new TreeMap<>();
    /** Hops counted (those with windows), per target mode name. */
    public TreeMap<String, Integer> hops = new TreeMap<>();

    public static final class Tally {
        public int hopsTowardGeneralizing;
        public int hopsTowardParrot;
        public int hopsTowardMixed;
        public double weightTowardGeneralizing;
        public double weightTowardParrot;
        public double weightTowardMixed;
        /** Sum of the squared weight over every counted hop it took part in, for the base rate's spread. */
        public double weightSquares;

        public double meanWeightTowardGeneralizing() {
            return hopsTowardGeneralizing == 0 ? Double.NaN : weightTowardGeneralizing / hopsTowardGeneralizing;
        }

        public double meanWeightTowardParrot() {
            return hopsTowardParrot == 0 ? Double.NaN : weightTowardParrot / hopsTowardParrot;
        }

        int hopsToward(Mode m) {
            return switch (m) {
                case GENERALIZING -> hopsTowardGeneralizing;
                case PARROT -> hopsTowardParrot;
                default -> hopsTowardMixed;
            };
        }

        double weightToward(Mode m) {
            return switch (m) {
                case GENERALIZING -> weightTowardGeneralizing;
                case PARROT -> weightTowardParrot;
                default -> weightTowardMixed;
            };
        }

        double weightAll() {
            return weightTowardGeneralizing + weightTowardParrot + weightTowardMixed;
        }

        private void add(Mode m, double w) {
            switch (m) {
                case GENERALIZING -> {
                    hopsTowardGeneralizing++;
                    weightTowardGeneralizing += w;
                }
                case PARROT -> {
                    hopsTowardParrot++;
                    weightTowardParrot += w;
                }
                default -> {
                    hopsTowardMixed++;
                    weightTowardMixed += w;
                }
            }
            weightSquares += w * w;
        }
    }

    /**
     * One source's record toward one mode: in how many of the run's {@code hopsOfRun} hops toward it the source
     * was present, its mean weight before them (absent counting 0), the base rate (its mean weight before all
     * the run's hops) and the z-score of the difference (NaN when there is no contrast to test).
     */
    public record Move(String source, Mode toward, int hops, int hopsOfRun, double meanWeight, double baseWeight,
                       double zScore) {
    }

    /** Counts a hop to a mode; hops of plain series (no mode) say nothing about generalization. */
    public boolean record(Output.ModeHop hop) {
        if (hop.to() == null || !TARGETS.contains(hop.to()) || hop.windows().isEmpty()) {
            return false;
        }
        hops.merge(hop.to().name(), 1, Integer::sum);
        for (Map.Entry<String, Double> e : meanMixture(hop).entrySet()) {
            sources.computeIfAbsent(e.getKey(), k -> new Tally()).add(hop.to(), e.getValue());
        }
        return true;
    }

    public int hopsOfRun() {
        return hops.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Every source's record toward every target mode the run has hops toward, sources in name order. */
    public List<Move> moves() {
        int total = hopsOfRun();
        List<Move> out = new ArrayList<>();
        for (Map.Entry<String, Tally> e : sources.entrySet()) {
            Tally t = e.getValue();
            double base = total == 0 ? Double.NaN : t.weightAll() / total;
            double variance = total == 0 ? Double.NaN : Math.max(0, t.weightSquares / total - base * base);
            for (Mode m : TARGETS) {
                int n = hops.getOrDefault(m.name(), 0);
                if (n == 0) {
                    continue;
                }
                double mean = t.weightToward(m) / n;
                out.add(new Move(e.getKey(), m, t.hopsToward(m), n, mean, base, zScore(mean, base, variance, n, total)));
            }
        }
        return out;
    }

    /** The z-score of a mean of n weights drawn without replacement from N with this mean and variance. */
    static double zScore(double mean, double base, double variance, int n, int total) {
        if (n >= total || total < 2 || !(variance > 0)) {
            return Double.NaN;
        }
        double se = Math.sqrt(variance / n * (total - n) / (total - 1.0));
        return (mean - base) / se;
    }

    /** The windows' mixtures averaged over the steps each window shares with the hop's interval. */
    public static Map<String, Double> meanMixture(Output.ModeHop hop) {
        long from = hop.anchorStep() >= 0 ? hop.anchorStep() : hop.prevStep();
        return meanMixture(hop.windows(), from, hop.step());
    }

    /** The mixtures of windows averaged over the steps each shares with [from, to), weights normalised. */
    public static Map<String, Double> meanMixture(List<DataWindow> windows, long from, long to) {
        TreeMap<String, Double> sum = new TreeMap<>();
        double total = 0;
        for (DataWindow w : windows) {
            double steps = Math.max(1, Math.min(w.endStep(), to) - Math.max(w.startStep(), from));
            double weightSum = w.mixture().values().stream().mapToDouble(Double::doubleValue).sum();
            if (weightSum <= 0) {
                continue;
            }
            for (Map.Entry<String, Double> e : w.mixture().entrySet()) {
                sum.merge(e.getKey(), steps * e.getValue() / weightSum, Double::sum);
            }
            total += steps;
        }
        if (total > 0) {
            final double t = total;
            sum.replaceAll((k, v) -> v / t);
        }
        return sum;
    }
}
