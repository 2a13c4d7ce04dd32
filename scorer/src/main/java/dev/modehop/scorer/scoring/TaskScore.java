package dev.modehop.scorer.scoring;

/**
 * Scores of one (family, task) on one checkpoint.
 *
 * <p>Seeds of a question are averaged first (as the paper averages over demo resamples), then questions:
 * {@code hardAccuracy} = mean over questions of the seed-mean of hard, {@code softScore} likewise.
 * {@code stderr} is the standard error of {@code hardAccuracy} over questions (sample standard deviation of
 * the per-question seed-means / sqrt(items)); it accounts for seeds of one question being correlated. With a
 * single seed it is the binomial standard error with an n-1 denominator. NaN when items < 2.
 *
 * @param items     distinct questions (what the binomial noise of {@code hardAccuracy} is counted over)
 * @param seedCount the most seeds any question had
 * @param rows      scored rows (items x seeds when complete)
 */
public record TaskScore(String family, String task, int items, int seedCount, int rows, double hardAccuracy,
                        double softScore, double stderr) {
}
