package dev.modehop.scorer.generation;

import dev.modehop.probes.AnswerPattern;
import dev.modehop.probes.GenerativeItem;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.scorer.scoring.ScoreAggregator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Scores a suite's generative rows: samples each row's completions with the {@link Sampler}, matches them against
 * the row's expected answer and aggregates per task ({@link MatchRateScore}). A task that cannot be sampled (a
 * prompt longer than the model's context, a row that asks for no samples) fails alone, with the reason: the other
 * tasks, and the checkpoint's choice families, are scored as usual.
 */
public final class GenerativeScorer {
    private final Sampler sampler;
    private final GenerationOptions options;

    public GenerativeScorer(Sampler sampler, GenerationOptions options) {
        this.sampler = sampler;
        this.options = options;
    }

    /** One sampled completion, as {@code --samples-out} writes it. */
    public record Sample(String family, String task, String questionId, int seed, int sampleIndex, String completion,
                         boolean matched, Completion.Finish finish, int tokens) {
    }

    /** A task that could not be scored and why (the message names the question). */
    public record Failure(String family, String task, String reason) {
    }

    /**
     * @param completions sampled completions, {@code tokens} generated tokens, over every scored task
     */
    public record Result(List<MatchRateScore> tasks, List<Failure> failures, long completions, long tokens,
                         double seconds) {
        public Result {
            tasks = List.copyOf(tasks);
            failures = List.copyOf(failures);
        }

        public static Result empty() {
            return new Result(List.of(), List.of(), 0, 0, 0);
        }
    }

    /** Every generative task of {@code suite}; each completion also goes to {@code samples} (may be null). */
    public Result score(ProbeSuite suite, Consumer<Sample> samples) {
        long t0 = System.nanoTime();
        List<MatchRateScore> scored = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        long completions = 0;
        long tokens = 0;
        for (Map.Entry<ProbeSuite.TaskKey, List<GenerativeItem>> task : suite.generativeByTask().entrySet()) {
            ProbeSuite.TaskKey key = task.getKey();
            List<Sample> taskSamples = new ArrayList<>();
            try {
                Map<String, List<Double>> ratesByQuestion = new LinkedHashMap<>();
                int samplesPerUnit = 0;
                for (GenerativeItem row : task.getValue()) {
                    SamplingSettings settings = settings(row);
                    AnswerPattern answer = row.pattern();
                    List<Completion> out = sampler.sample(row.id(), row.prompt(), settings);
                    int matched = 0;
                    for (Completion c : out) {
                        boolean m = answer.matches(c.text());
                        matched += m ? 1 : 0;
                        tokens += c.tokens();
                        taskSamples.add(new Sample(row.family(), row.task(), row.id(), row.seed(), c.sampleIndex(),
                                c.text(), m, c.finish(), c.tokens()));
                    }
                    completions += out.size();
                    samplesPerUnit = Math.max(samplesPerUnit, out.size());
                    ratesByQuestion.computeIfAbsent(row.id(), k -> new ArrayList<>()).add(matched / (double) out.size());
                }
                scored.add(aggregate(key, ratesByQuestion, samplesPerUnit));
            } catch (IllegalArgumentException e) {
                failures.add(new Failure(key.family(), key.task(), e.getMessage()));
            }
            if (samples != null) {
                taskSamples.forEach(samples);
            }
        }
        return new Result(scored, failures, completions, tokens, (System.nanoTime() - t0) / 1e9);
    }

    private SamplingSettings settings(GenerativeItem row) {
        int n = options.samples() > 0 ? options.samples() : row.samples();
        if (n <= 0) {
            throw new IllegalArgumentException("question " + row.id() + ": samples must be at least 1, got " + n);
        }
        return SamplingSettings.builder(row.seed()).samples(n).temperature(row.temperature())
                .maxNewTokens(row.maxNewTokens()).stopStrings(row.stop()).batchSize(Math.min(options.batchSize(), n))
                .sharePromptCache(true).build();
    }

    /** Seeds of a question averaged first, then questions; stderr over the per-question means. */
    static MatchRateScore aggregate(ProbeSuite.TaskKey key, Map<String, List<Double>> ratesByQuestion, int samples) {
        int q = ratesByQuestion.size();
        double[] perQuestion = new double[q];
        int seeds = 0;
        int units = 0;
        int i = 0;
        for (List<Double> rates : ratesByQuestion.values()) {
            double sum = 0;
            for (double r : rates) {
                sum += r;
            }
            perQuestion[i++] = sum / rates.size();
            seeds = Math.max(seeds, rates.size());
            units += rates.size();
        }
        double mean = ScoreAggregator.mean(perQuestion);
        double stderr = ScoreAggregator.standardError(perQuestion, mean);
        return new MatchRateScore(key.family(), key.task(), q, seeds, units, samples, mean, stderr);
    }
}
