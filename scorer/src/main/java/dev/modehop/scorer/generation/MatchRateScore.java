package dev.modehop.scorer.generation;

/**
 * The match rate of one generative (family, task) on one checkpoint. Per (question, seed) the share of its
 * sampled completions that match the expected answer; per question the mean over its seeds; {@code matchRate}
 * the mean over questions. {@code stderr} is the sample standard deviation of the per-question means /
 * sqrt(questions): it counts questions, not completions, as the independent units, because completions of one
 * question share its prompt and are far from independent draws of the family's ability. NaN below 2 questions.
 *
 * @param questions distinct questions
 * @param seedCount the most seeds any question had
 * @param units     (question, seed) pairs sampled
 * @param samples   completions per (question, seed) (the most of any row)
 */
public record MatchRateScore(String family, String task, int questions, int seedCount, int units, int samples,
                             double matchRate, double stderr) {
}
