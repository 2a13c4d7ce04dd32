package dev.modehop.core;

/**
 * The noise of a generative family's match rate, expressed as the effective number of binary items the
 * detectors' binomial noise model ({@link BinomialNoise}) counts. A match rate pools {@code questions x seeds x
 * samples} completions, but completions of one question share its prompt: they are correlated draws of what the
 * model does with that question, not independent draws of the family's ability. With {@code m = seeds x samples}
 * completions per question and intra-question correlation rho, the variance of the rate is the binomial variance
 * of all completions times the design effect {@code 1 + (m - 1) rho}, so
 * <pre>  effective items = completions / design effect,  design effect = observed variance / binomial variance</pre>
 * where the observed variance is the scorer's {@code stderr}² (the variance of the mean of per-question rates) and
 * the binomial variance that of all completions being independent. The design effect is clamped to [1, m]: the
 * count lies between the questions (every completion of a question the same) and the completions (all
 * independent). Where the scorer could not measure the spread (fewer than 2 questions, or every question at the
 * same rate, as when none of 300 completions matches), the count is the (question, seed) units: each unit one
 * item, its samples treated as one draw.
 */
public final class MatchRateNoise {
    /** {@code ProbeScore.metric} of a generative task. */
    public static final String METRIC = "match_rate";

    private MatchRateNoise() {
    }

    public static boolean isMatchRate(String metric) {
        return METRIC.equals(metric);
    }

    /**
     * @param rate      the task's match rate
     * @param questions distinct questions
     * @param seeds     seeds per question (prompt variants, each sampled {@code samples} times)
     * @param samples   completions per (question, seed)
     * @param stderr    standard error of the rate over questions; null or 0 when not measured
     * @return the item count to give the detectors, at least 1
     */
    public static int effectiveItems(double rate, int questions, int seeds, int samples, Double stderr) {
        int q = Math.max(1, questions);
        int units = q * Math.max(1, seeds);
        long completions = (long) units * Math.max(1, samples);
        if (stderr == null || !(stderr > 0) || questions < 2) {
            return units;
        }
        double smoothed = (rate * completions + 1.0) / (completions + 2.0);
        double binomial = smoothed * (1 - smoothed) / completions;
        double perQuestion = (double) completions / q;
        double designEffect = Math.min(perQuestion, Math.max(1.0, stderr * stderr / binomial));
        return (int) Math.max(1, Math.round(completions / designEffect));
    }

    /**
     * The item count a result feeds the detectors: {@link #effectiveItems} for a match rate with its counts,
     * otherwise {@code items} unchanged (choice tasks and plain metrics).
     */
    public static Integer itemsFor(String metric, Integer items, Integer questions, int seeds, Integer samples,
                                   double rate, Double stderr) {
        if (!isMatchRate(metric) || samples == null || samples < 1) {
            return items;
        }
        int q = questions != null && questions > 0 ? questions : items == null ? 0 : items;
        if (q < 1) {
            return items;
        }
        return effectiveItems(rate, q, seeds, samples, stderr);
    }
}
