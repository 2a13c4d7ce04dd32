package dev.modehop.core;

import java.util.Map;
import java.util.TreeMap;

/**
 * Across a run's hops, which data sources preceded moves toward generalization and which toward parrot:
 * per source, how many hops of each direction it took part in and its mean weight in the windows that
 * trained the model just before them.
 */
public final class SourceStatistics {
    public TreeMap<String, Tally> sources = new TreeMap<>();

    public static final class Tally {
        public int hopsTowardGeneralizing;
        public int hopsTowardParrot;
        public double weightTowardGeneralizing;
        public double weightTowardParrot;

        public double meanWeightTowardGeneralizing() {
            return hopsTowardGeneralizing == 0 ? Double.NaN : weightTowardGeneralizing / hopsTowardGeneralizing;
        }

        public double meanWeightTowardParrot() {
            return hopsTowardParrot == 0 ? Double.NaN : weightTowardParrot / hopsTowardParrot;
        }
    }

    /** Counts a hop to a mode; hops of plain series (no mode) say nothing about generalization. */
    public void record(Output.ModeHop hop) {
        if (hop.to() != Mode.GENERALIZING && hop.to() != Mode.PARROT || hop.windows().isEmpty()) {
            return;
        }
        Map<String, Double> mean = meanMixture(hop);
        for (Map.Entry<String, Double> e : mean.entrySet()) {
            Tally t = sources.computeIfAbsent(e.getKey(), k -> new Tally());
            if (hop.to() == Mode.GENERALIZING) {
                t.hopsTowardGeneralizing++;
                t.weightTowardGeneralizing += e.getValue();
            } else {
                t.hopsTowardParrot++;
                t.weightTowardParrot += e.getValue();
            }
        }
    }

    /** The windows' mixtures averaged over the steps each window shares with the hop's interval. */
    static Map<String, Double> meanMixture(Output.ModeHop hop) {
        TreeMap<String, Double> sum = new TreeMap<>();
        double total = 0;
        for (TrainingWindow w : hop.windows()) {
            long from = Math.max(w.startStep(), hop.anchorStep());
            long to = Math.min(w.endStep(), hop.step());
            double steps = Math.max(1, to - from);
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
