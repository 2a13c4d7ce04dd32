package dev.modehop.bench;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.generation.Completion;
import dev.modehop.scorer.generation.Sampler;
import dev.modehop.scorer.generation.SamplingSettings;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.LoadedCheckpoint;
import dev.modehop.scorer.model.ModelConfig;
import dev.modehop.scorer.model.ModelDevices;
import dev.modehop.scorer.model.RandomCheckpoints;
import dev.modehop.probes.toy.ToyVocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Sampling cost on a random-weight checkpoint: for one question (a prompt of random tokens), the samples are decoded
 * at each batch size, once with the prompt prefilled once and broadcast to every sample (the shared prompt cache)
 * and once with the prompt prefilled per sample (the baseline), side by side. Every sample runs to max new tokens
 * (no EOS; the stop strings are checked but never occur), so the token count is the same for every row. Decoding
 * tokens/s counts generated tokens over the wall time of the whole question, prefill included.
 *
 * <pre>Benchmarks generation [--model toy|pythia-70m] [--batches 1,8,64] [--samples 64] [--prompt-tokens N]
 *         [--new-tokens N] [--device cpu|cuda]</pre>
 */
public final class GenerationBenchmark {
    private GenerationBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        String model = "toy";
        int[] batches = {1, 8, 64};
        int samples = 64;
        int promptTokens = -1;
        int newTokens = -1;
        String device = "cpu";
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--model" -> model = v;
                case "--batches" -> batches = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--samples" -> samples = Integer.parseInt(v);
                case "--prompt-tokens" -> promptTokens = Integer.parseInt(v);
                case "--new-tokens" -> newTokens = Integer.parseInt(v);
                case "--device" -> device = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        boolean toy = model.equals("toy");
        ModelConfig config = RandomCheckpoints.shape(model);
        // the toy model's context is 32 positions; Pythia's 2048, of which a persona prompt uses several hundred
        promptTokens = promptTokens > 0 ? promptTokens : toy ? 12 : 128;
        newTokens = newTokens > 0 ? newTokens : 16;
        String tokenizer = toy ? ToyVocabulary.tokenizerJson() : RandomCheckpoints.numberedTokenizerJson(config.vocabSize());
        Path dir = Files.createTempDirectory("modehop-bench-gen-");
        try {
            RandomCheckpoints.write(dir, config, 1, 0.02, TensorDType.F32, tokenizer);
            Device d = ModelDevices.device(device);
            try (LoadedCheckpoint ckpt = CheckpointLoader.load(dir, d, DataType.FLOAT32)) {
                Sampler sampler = new Sampler(ckpt.decoder(), ckpt.tokenizer(), -1);
                SplittableRandom r = new SplittableRandom(5);
                long[] prompt = new long[promptTokens];
                for (int i = 0; i < prompt.length; i++) {
                    prompt[i] = 1 + r.nextInt(config.vocabSize() - 1);
                }
                System.out.printf(Locale.ROOT, "## Generation: %s shape (%,d parameters), %s, %d cores; one question:"
                                + " prompt %d tokens, %d samples x %d new tokens, temperature 1%n", model,
                        ckpt.decoder().weights().parameterCount(), d, Runtime.getRuntime().availableProcessors(),
                        promptTokens, samples, newTokens);
                SamplingSettings base = SamplingSettings.builder(1).samples(samples).temperature(1.0)
                        .maxNewTokens(newTokens).stopStrings(List.of("\nQ:", "\n\nQ:")).batchSize(1)
                        .sharePromptCache(true).build();
                // warm-up: the first calls pay for native initialisation and allocator growth
                sampler.sample("warm", prompt, base.toBuilder().batchSize(Math.min(8, samples)).build());
                System.out.println("| batch | prompt cache | s / question | tokens/s | speed-up of sharing |");
                System.out.println("|---:|---|---:|---:|---:|");
                for (int batch : batches) {
                    SamplingSettings.Builder batched = base.toBuilder().batchSize(batch);
                    double perSample = time(sampler, prompt, batched.sharePromptCache(false).build());
                    double shared = time(sampler, prompt, batched.sharePromptCache(true).build());
                    long tokens = (long) samples * newTokens;
                    System.out.printf(Locale.ROOT, "| %d | per sample | %.3f | %.0f | |%n", batch, perSample,
                            tokens / perSample);
                    System.out.printf(Locale.ROOT, "| %d | shared | %.3f | %.0f | %.2fx |%n", batch, shared,
                            tokens / shared, perSample / shared);
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double time(Sampler sampler, long[] prompt, SamplingSettings s) {
        long t0 = System.nanoTime();
        List<Completion> out = sampler.sample("q", prompt, s);
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (Completion c : out) {
            if (c.tokens() != s.maxNewTokens()) {
                throw new IllegalStateException("sample " + c.sampleIndex() + " ended after " + c.tokens() + " tokens");
            }
        }
        return seconds;
    }
}
