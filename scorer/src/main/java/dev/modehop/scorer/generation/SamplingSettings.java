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

    /** A builder starting from GDsuite's defaults with this seed ({@link #gdsuite}). */
    public static Builder builder(long seed) {
        return gdsuite(seed).toBuilder();
    }

    /** A builder starting from this record's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The record's fields by name, from the values it was made from; {@link #build()} checks them. */
    public static final class Builder {
        private int samples;
        private double temperature;
        private int maxNewTokens;
        private List<String> stopStrings;
        private long seed;
        private int batchSize;
        private boolean sharePromptCache;

        private Builder(SamplingSettings from) {
            samples = from.samples;
            temperature = from.temperature;
            maxNewTokens = from.maxNewTokens;
            stopStrings = from.stopStrings;
            seed = from.seed;
            batchSize = from.batchSize;
            sharePromptCache = from.sharePromptCache;
        }

        public Builder samples(int samples) {
            this.samples = samples;
            return this;
        }

        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder maxNewTokens(int maxNewTokens) {
            this.maxNewTokens = maxNewTokens;
            return this;
        }

        public Builder stopStrings(List<String> stopStrings) {
            this.stopStrings = stopStrings;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder sharePromptCache(boolean sharePromptCache) {
            this.sharePromptCache = sharePromptCache;
            return this;
        }

        public SamplingSettings build() {
            return new SamplingSettings(samples, temperature, maxNewTokens, stopStrings, seed, batchSize,
                    sharePromptCache);
        }
    }
}
