package dev.modehop.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The level a probe family's confirmed mode holds: the mean of its last {@value #KEPT} checkpoints since
 * the mode was confirmed (every checkpoint that was not a hop, whatever its own class). A new checkpoint
 * is compared with this mean rather than with the single last checkpoint, which cuts the noise of the old
 * side of the comparison without following a slow drift for long. State: at most {@value #KEPT} values
 * and item counts.
 */
public final class ModeReference {
    static final int KEPT = 4;

    private ModeReference() {
    }

    public static final class State {
        public List<Double> values = new ArrayList<>();
        public List<Integer> items = new ArrayList<>();
    }

    /** The mode was (re)confirmed at this checkpoint: the reference starts over from it. */
    public static void restart(State s, double value, int items) {
        s.values.clear();
        s.items.clear();
        add(s, value, items);
    }

    /** Another checkpoint of the confirmed mode. */
    public static void add(State s, double value, int items) {
        s.values.add(value);
        s.items.add(items);
        if (s.values.size() > KEPT) {
            s.values.remove(0);
            s.items.remove(0);
        }
    }

    public static boolean full(State s) {
        return s.values.size() >= KEPT;
    }

    public static double mean(State s) {
        double sum = 0;
        for (double v : s.values) {
            sum += v;
        }
        return sum / s.values.size();
    }

    /** Variance of the mean, given each checkpoint's extra-binomial variance. */
    public static double variance(State s, double extraVariance) {
        int m = s.values.size();
        double binomial = 0;
        for (int i = 0; i < m; i++) {
            binomial += BinomialNoise.variance(s.values.get(i), s.items.get(i));
        }
        return (binomial / m + extraVariance) / m;
    }

    /** Variance of the mean were the model at chance, given each checkpoint's extra-binomial variance. */
    public static double chanceVariance(State s, double extraVariance) {
        int m = s.values.size();
        double chance = 0;
        for (int n : s.items) {
            chance += BinomialNoise.chanceVariance(n);
        }
        return (chance / m + extraVariance) / m;
    }
}
