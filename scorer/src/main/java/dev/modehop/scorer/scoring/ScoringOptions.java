package dev.modehop.scorer.scoring;

import java.time.Duration;

/**
 * How the scorer batches.
 *
 * @param batchSize          most sequences per forward pass
 * @param maxBatchTokens     most padded tokens (sequences x longest) per forward pass; bounds the logits
 *                           tensor at {@code maxBatchTokens x vocab} floats
 * @param shareSingleTokenAnswers read a one-token answer's probability from the other candidate's sequence
 *                           when both share the prompt's tokens (exact for a causal model: the logits that
 *                           predict the answer's first token see only the prompt); off = one sequence per
 *                           candidate
 * @param maxSequenceLength  longest input the model accepts (0 = unchecked); longer rows fail with their id
 * @param progressInterval   least time between two progress callbacks (the last one always comes)
 */
public record ScoringOptions(int batchSize, int maxBatchTokens, boolean shareSingleTokenAnswers, int maxSequenceLength,
                             Duration progressInterval) {

    public ScoringOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1: " + batchSize);
        }
        if (maxBatchTokens < 1) {
            throw new IllegalArgumentException("maxBatchTokens must be >= 1: " + maxBatchTokens);
        }
        if (maxSequenceLength < 0) {
            throw new IllegalArgumentException("maxSequenceLength must be >= 0: " + maxSequenceLength);
        }
    }

    public static ScoringOptions defaults() {
        return new ScoringOptions(16, 8192, true, 0, Duration.ofSeconds(5));
    }

    public ScoringOptions withBatchSize(int size) {
        return new ScoringOptions(size, maxBatchTokens, shareSingleTokenAnswers, maxSequenceLength, progressInterval);
    }

    public ScoringOptions withMaxBatchTokens(int tokens) {
        return new ScoringOptions(batchSize, tokens, shareSingleTokenAnswers, maxSequenceLength, progressInterval);
    }

    public ScoringOptions withShareSingleTokenAnswers(boolean share) {
        return new ScoringOptions(batchSize, maxBatchTokens, share, maxSequenceLength, progressInterval);
    }

    public ScoringOptions withMaxSequenceLength(int length) {
        return new ScoringOptions(batchSize, maxBatchTokens, shareSingleTokenAnswers, length, progressInterval);
    }

    public ScoringOptions withProgressInterval(Duration interval) {
        return new ScoringOptions(batchSize, maxBatchTokens, shareSingleTokenAnswers, maxSequenceLength, interval);
    }
}
