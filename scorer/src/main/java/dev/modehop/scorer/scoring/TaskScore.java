package dev.modehop.scorer.scoring;

/**
 * Scores of one (family, task) on one checkpoint.
 *
 * <p>Seeds of a question are averaged first (as the paper averages over demo resamples), then questions:
 * with every question scored on every seed (what a complete checkpoint has) this equals GDsuite's share of
 * (seed, row) pairs with P(correct) > P(incorrect), and its mean margin over those pairs.
 * {@code hardAccuracy} = mean over questions of the seed-mean of hard, {@code softScore} likewise.
 * {@code stderr} is the standard error of {@code hardAccuracy} over questions (sample standard deviation of
 * the per-question seed-means / sqrt(items)); it accounts for seeds of one question being correlated. With a
 * single seed it is the binomial standard error with an n-1 denominator. NaN when items < 2.
 *
 * @param items     distinct questions (what the binomial noise of {@code hardAccuracy} is counted over)
 * @param seedCount the most seeds any question had
 * @param rows      scored rows (items x seeds when complete)
 * @param softScore the probability margin P(gen) - P(parrot), averaged like {@code hardAccuracy}
 * @param logProbMargin the summed log-probability margin, averaged the same way (NaN when rows lack it)
 */
public record TaskScore(String family, String task, int items, int seedCount, int rows, double hardAccuracy,
                        double softScore, double stderr, double logProbMargin) {

    public TaskScore(String family, String task, int items, int seedCount, int rows, double hardAccuracy,
                     double softScore, double stderr) {
        this(family, task, items, seedCount, rows, hardAccuracy, softScore, stderr, Double.NaN);
    }
}
