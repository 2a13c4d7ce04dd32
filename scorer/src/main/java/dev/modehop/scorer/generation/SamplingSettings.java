package dev.modehop.scorer.generation;

import java.util.List;

/**
 * How the completions of one question are drawn.
 *
 * @param samples          completions per question (at least 1)
 * @param temperature      softmax temperature; 0 decodes greedily (every sample is the same argmax path)
 * @param maxNewTokens     at most this many generated tokens per completion (0 allowed: empty completions)
 * @param stopStrings      a completion ends before the first occurrence of any of these in its decoded text
 * @param seed             the suite's seed; with the question id and the sample index it fixes each sample's
 *                         random stream ({@link SampleStream})
 * @param batchSize        samples decoded together (at least 1); changes speed, never the completions
 * @param sharePromptCache prefill the prompt once and broadcast its keys and values to every sample of a batch
 *                         (true, the normal case); false prefills a copy of the prompt per sample, the baseline
 *                         the benchmark compares against
 */
public record SamplingSettings(int samples, double temperature, int maxNewTokens, List<String> stopStrings,
                               long seed, int batchSize, boolean sharePromptCache) {
    public SamplingSettings {
        if (samples <= 0) {
            throw new IllegalArgumentException("samples must be at least 1, got " + samples);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("max new tokens must be >= 0, got " + maxNewTokens);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        stopStrings = List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("a stop string must not be empty");
            }
        }
    }

    /** GDsuite's persona-QA defaults: 100 samples at temperature 1, 300 new tokens, stops "\nQ:" and "\n\nQ:". */
    public static SamplingSettings gdsuite(long seed) {
        return new SamplingSettings(100, 1.0, 300, List.of("\nQ:", "\n\nQ:"), seed, 25, true);
    }

    public SamplingSettings withBatchSize(int batch) {
        return new SamplingSettings(samples, temperature, maxNewTokens, stopStrings, seed, batch, sharePromptCache);
    }

    public SamplingSettings withSharedPromptCache(boolean share) {
        return new SamplingSettings(samples, temperature, maxNewTokens, stopStrings, seed, batchSize, share);
    }
}
