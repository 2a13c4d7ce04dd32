package dev.modehop.scorer.generation;

/**
 * How the worker samples a suite's generative rows.
 *
 * @param batchSize samples of one question decoded together (speed only, never the completions)
 * @param samples   completions per (question, seed) instead of each row's own count; 0 keeps the rows' counts.
 *                  Fewer samples cost less and make the match rate noisier (bench/README.md measures how much)
 */
public record GenerationOptions(int batchSize, int samples) {
    public GenerationOptions {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("generation batch size must be at least 1, got " + batchSize);
        }
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be at least 1 (or 0 for the suite's own), got " + samples);
        }
    }

    public static GenerationOptions defaults() {
        return new GenerationOptions(32, 0);
    }

    /** A builder starting from the defaults ({@link #defaults()}). */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from this record's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The record's fields by name, from the values it was made from; {@link #build()} checks them. */
    public static final class Builder {
        private int batchSize;
        private int samples;

        private Builder(GenerationOptions from) {
            batchSize = from.batchSize;
            samples = from.samples;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder samples(int samples) {
            this.samples = samples;
            return this;
        }

        public GenerationOptions build() {
            return new GenerationOptions(batchSize, samples);
        }
    }
}
