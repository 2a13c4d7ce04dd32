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

    public GenerationOptions withSamples(int n) {
        return new GenerationOptions(batchSize, n);
    }

    public GenerationOptions withBatchSize(int n) {
        return new GenerationOptions(n, samples);
    }
}
