package dev.modehop.core;

/** The measurement noise of an accuracy over n binary items. */
public final class BinomialNoise {
    private BinomialNoise() {
    }

    /**
     * Variance of an observed accuracy, with the Laplace-smoothed rate so that 0/n and n/n still carry
     * noise (an observed 0% is not a certain 0%).
     */
    public static double variance(double accuracy, int items) {
        double smoothed = (accuracy * items + 1.0) / (items + 2.0);
        return smoothed * (1 - smoothed) / items;
    }

    /** Standard score of the difference between two independent accuracies. */
    public static double zBetween(double before, int itemsBefore, double after, int itemsAfter) {
        return (after - before) / Math.sqrt(variance(before, itemsBefore) + variance(after, itemsAfter));
    }

    /** Variance of an accuracy over n items were the model at chance (0.5): the null of "no mode". */
    public static double chanceVariance(int items) {
        return 0.25 / items;
    }

    /** How many standard errors an accuracy lies from chance (0.5), under the null of chance. */
    public static double zFromChance(double accuracy, int items) {
        return (accuracy - 0.5) / Math.sqrt(chanceVariance(items));
    }
}
