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
 * @param maxSequenceLength  longest input the model accepts (0 = unchecked); longer rows are refused, counted per
 *                           task in {@link SuiteScore#overflows()}
 * @param progressInterval   least time between two progress callbacks (the last one always comes)
 * @param prefixSharing      run the longest common token prefix of a (family, task, seed) group (or else of a
 *                           row's two candidates) once into a key/value cache and only the suffixes against it;
 *                           off = every sequence runs whole
 * @param minSharedPrefix    shortest common prefix (tokens) worth a cache; shorter ones run as full sequences
 * @param gdsuiteBos         reproduce GDsuite's answer span for tokenizers that add leading special tokens (a
 *                           BOS): the boundary is counted on the encodings without special tokens and applied to
 *                           the sequence with them, so the span starts that many tokens early (see
 *                           {@link AnswerSpan#gdsuite}); off = the span is exactly the answer's tokens. The same
 *                           for tokenizers that add none
 */
public record ScoringOptions(int batchSize, int maxBatchTokens, boolean shareSingleTokenAnswers, int maxSequenceLength,
                             Duration progressInterval, boolean prefixSharing, int minSharedPrefix,
                             boolean gdsuiteBos) {

    public ScoringOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1: " + batchSize);
        }
        if (maxBatchTokens < 1) {
            throw new IllegalArgumentException("maxBatchTokens must be >= 1: " + maxBatchTokens);
        }
        if (minSharedPrefix < 1) {
            throw new IllegalArgumentException("minSharedPrefix must be >= 1: " + minSharedPrefix);
        }
        if (maxSequenceLength < 0) {
            throw new IllegalArgumentException("maxSequenceLength must be >= 0: " + maxSequenceLength);
        }
    }

    public static ScoringOptions defaults() {
        return new ScoringOptions(16, 8192, true, 0, Duration.ofSeconds(5), true, 32, false);
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
        private int maxBatchTokens;
        private boolean shareSingleTokenAnswers;
        private int maxSequenceLength;
        private Duration progressInterval;
        private boolean prefixSharing;
        private int minSharedPrefix;
        private boolean gdsuiteBos;

        private Builder(ScoringOptions from) {
            batchSize = from.batchSize;
            maxBatchTokens = from.maxBatchTokens;
            shareSingleTokenAnswers = from.shareSingleTokenAnswers;
            maxSequenceLength = from.maxSequenceLength;
            progressInterval = from.progressInterval;
            prefixSharing = from.prefixSharing;
            minSharedPrefix = from.minSharedPrefix;
            gdsuiteBos = from.gdsuiteBos;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder maxBatchTokens(int maxBatchTokens) {
            this.maxBatchTokens = maxBatchTokens;
            return this;
        }

        public Builder shareSingleTokenAnswers(boolean shareSingleTokenAnswers) {
            this.shareSingleTokenAnswers = shareSingleTokenAnswers;
            return this;
        }

        public Builder maxSequenceLength(int maxSequenceLength) {
            this.maxSequenceLength = maxSequenceLength;
            return this;
        }

        public Builder progressInterval(Duration progressInterval) {
            this.progressInterval = progressInterval;
            return this;
        }

        public Builder prefixSharing(boolean prefixSharing) {
            this.prefixSharing = prefixSharing;
            return this;
        }

        public Builder minSharedPrefix(int minSharedPrefix) {
            this.minSharedPrefix = minSharedPrefix;
            return this;
        }

        public Builder gdsuiteBos(boolean gdsuiteBos) {
            this.gdsuiteBos = gdsuiteBos;
            return this;
        }

        public ScoringOptions build() {
            return new ScoringOptions(batchSize, maxBatchTokens, shareSingleTokenAnswers, maxSequenceLength,
                    progressInterval, prefixSharing, minSharedPrefix, gdsuiteBos);
        }
    }
}
