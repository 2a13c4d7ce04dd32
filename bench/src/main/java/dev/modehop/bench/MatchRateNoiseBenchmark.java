package dev.modehop.bench;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.modehop.core.BinomialNoise;
import dev.modehop.core.MatchRateNoise;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.generation.GenerationOptions;
import dev.modehop.scorer.generation.GenerativeScorer;
import dev.modehop.scorer.generation.MatchRateScore;
import dev.modehop.scorer.generation.Sampler;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.LoadedCheckpoint;
import dev.modehop.scorer.model.ModelConfig;
import dev.modehop.scorer.model.ModelDevices;
import dev.modehop.scorer.model.RandomCheckpoints;
import dev.modehop.probes.GenerativeItem;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.probes.SuiteManifest;
import dev.modehop.probes.SuiteWriter;
import dev.modehop.probes.toy.ToyVocabulary;
import dev.modehop.scorer.scoring.ScoreAggregator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How the noise of a match rate grows as the sample count shrinks. One checkpoint (toy shape, random weights at a
 * scale where the next-token distribution depends on the prompt, so questions differ in difficulty) and one
 * generative task of {@code --questions} fixed prompts, its expected answer "a label token" ({@code \bl[0-7]\b});
 * for each sample count the task is scored {@code --repeats} times with a different sampling seed, through the
 * scorer's own {@link GenerativeScorer}. Reported per sample count: the mean match rate, the standard deviation of
 * the match rate across the repeats (the sampling noise a checkpoint's figure carries, questions held fixed), the
 * mean stderr the scorer publishes (over questions: question spread plus sampling noise), the standard deviation
 * the monitor assumes (binomial at {@link MatchRateNoise#effectiveItems}) and the one counting every completion
 * as independent.
 *
 * <p>{@code --model synthetic} replaces the checkpoint with a synthetic model of GDsuite's size (30 questions x 4
 * seeds by default): question q matches with probability u_q² (u_q uniform, fixed for the run: many hard questions,
 * a few easy ones), each completion a Bernoulli draw; the per-question aggregation and the monitor's count are the
 * same code. It isolates the estimator's noise and runs the whole sweep in seconds.
 *
 * <pre>Benchmarks match-rate-noise [--model toy|synthetic] [--samples 100,50,20,10,5] [--questions 8] [--seeds 1]
 *         [--repeats 16] [--new-tokens 3]</pre>
 */
public final class MatchRateNoiseBenchmark {
    private MatchRateNoiseBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int[] sampleCounts = {100, 50, 20, 10, 5};
        int questions = 8;
        int repeats = 16;
        int newTokens = 3;
        String model = "toy";
        int seeds = -1;
        boolean questionsSet = false;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--samples" -> sampleCounts = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--questions" -> {
                    questions = Integer.parseInt(v);
                    questionsSet = true;
                }
                case "--model" -> model = v;
                case "--seeds" -> seeds = Integer.parseInt(v);
                case "--repeats" -> repeats = Integer.parseInt(v);
                case "--new-tokens" -> newTokens = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (model.equals("synthetic")) {
            synthetic(sampleCounts, questionsSet ? questions : 30, seeds > 0 ? seeds : 4, repeats);
            return;
        }
        ModelConfig config = RandomCheckpoints.shape("toy");
        Path dir = Files.createTempDirectory("modehop-bench-noise-");
        try {
            RandomCheckpoints.write(dir, config, 3, 1.0, TensorDType.F32, ToyVocabulary.tokenizerJson());
            try (LoadedCheckpoint ckpt = CheckpointLoader.load(dir, ModelDevices.device("cpu"), DataType.FLOAT32)) {
                Sampler sampler = new Sampler(ckpt.decoder(), ckpt.tokenizer(), -1);
                SplittableRandom r = new SplittableRandom(11);
                List<String> prompts = new ArrayList<>();
                for (int q = 0; q < questions; q++) {
                    StringBuilder p = new StringBuilder(ToyVocabulary.BOS);
                    for (int t = 0; t < 8; t++) {
                        p.append(" x").append(r.nextInt(64)).append(" l").append(r.nextInt(8));
                    }
                    prompts.add(p.append(" x").append(r.nextInt(64)).toString());
                }
                System.out.printf(Locale.ROOT, "## Match-rate noise against the sample count: toy shape (%,d parameters),"
                                + " random weights (scale 1.0), %d questions x 1 seed, %d new tokens, temperature 1,"
                                + " %d repeats with different sampling seeds, %s, %d cores%n",
                        ckpt.decoder().weights().parameterCount(), questions, newTokens, repeats, Device.cpu(),
                        Runtime.getRuntime().availableProcessors());
                header();
                for (int samples : sampleCounts) {
                    long t0 = System.nanoTime();
                    Sweep sweep = new Sweep(repeats);
                    for (int rep = 0; rep < repeats; rep++) {
                        sweep.add(score(sampler, prompts, rep, samples, newTokens));
                    }
                    sweep.print(samples, t0);
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void synthetic(int[] sampleCounts, int questions, int seeds, int repeats) {
        SplittableRandom r = new SplittableRandom(17);
        double[] p = new double[questions];
        for (int q = 0; q < questions; q++) {
            double u = r.nextDouble();
            p[q] = u * u;
        }
        System.out.printf(Locale.ROOT, "## Match-rate noise against the sample count: synthetic model, %d questions x %d"
                + " seeds, question q matches with probability u_q^2 (fixed), %d repeats%n", questions, seeds, repeats);
        header();
        for (int samples : sampleCounts) {
            long t0 = System.nanoTime();
            Sweep sweep = new Sweep(repeats);
            for (int rep = 0; rep < repeats; rep++) {
                double[] perQuestion = new double[questions];
                for (int q = 0; q < questions; q++) {
                    double sum = 0;
                    for (int s = 0; s < seeds; s++) {
                        int hits = 0;
                        for (int k = 0; k < samples; k++) {
                            hits += r.nextDouble() < p[q] ? 1 : 0;
                        }
                        sum += hits / (double) samples;
                    }
                    perQuestion[q] = sum / seeds;
                }
                double mean = ScoreAggregator.mean(perQuestion);
                sweep.add(new MatchRateScore("synthetic", "q", questions, seeds, questions * seeds, samples, mean,
                        ScoreAggregator.standardError(perQuestion, mean)));
            }
            sweep.print(samples, t0);
        }
    }

    private static void header() {
        System.out.println("| samples | mean match rate | sd across repeats | mean published stderr"
                + " | sd the monitor assumes (effective items) | sd if completions were independent | seconds |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
    }

    /** One sample count's repeats: the spread of their match rates next to the noise each repeat claims. */
    private static final class Sweep {
        final double[] rates;
        int n;
        double stderrSum;
        double assumedVar;
        double naiveVar;

        Sweep(int repeats) {
            rates = new double[repeats];
        }

        void add(MatchRateScore s) {
            Double stderr = Double.isFinite(s.stderr()) ? s.stderr() : null;
            rates[n++] = s.matchRate();
            stderrSum += stderr == null ? 0 : stderr;
            int items = MatchRateNoise.effectiveItems(s.matchRate(), s.questions(), s.seedCount(), s.samples(), stderr);
            assumedVar += BinomialNoise.variance(s.matchRate(), items);
            naiveVar += BinomialNoise.variance(s.matchRate(), s.units() * s.samples());
        }

        void print(int samples, long t0) {
            double mean = Arrays.stream(rates).average().orElse(0);
            double sd = Math.sqrt(Arrays.stream(rates).map(x -> (x - mean) * (x - mean)).sum() / (n - 1));
            System.out.printf(Locale.ROOT, "| %d | %.3f | %.4f | %.4f | %.4f | %.4f | %.1f |%n", samples, mean, sd,
                    stderrSum / n, Math.sqrt(assumedVar / n), Math.sqrt(naiveVar / n), (System.nanoTime() - t0) / 1e9);
        }
    }

    private static MatchRateScore score(Sampler sampler, List<String> prompts, int seed, int samples, int newTokens) {
        List<GenerativeItem> rows = new ArrayList<>();
        for (int q = 0; q < prompts.size(); q++) {
            rows.add(new GenerativeItem("noise/labels/" + q, "noise", "labels", seed, prompts.get(q), "\\bl[0-7]\\b",
                    samples, 1.0, newTokens, List.of(), null));
        }
        SuiteManifest manifest = new SuiteManifest(ProbeSuite.FORMAT, "noise", "1", "match-rate noise", "bench", 0,
                SuiteWriter.taskEntries(rows), List.of(new SuiteManifest.FileEntry("noise.jsonl", rows.size(), null)));
        ProbeSuite suite = ProbeSuite.of("noise", manifest, rows);
        GenerativeScorer.Result result = new GenerativeScorer(sampler,
                GenerationOptions.builder().batchSize(Math.min(64, samples)).build())
                .score(suite, null);
        if (!result.failures().isEmpty()) {
            throw new IllegalStateException(result.failures().toString());
        }
        return result.tasks().get(0);
    }
}
