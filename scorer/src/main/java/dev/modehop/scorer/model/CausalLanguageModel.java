package dev.modehop.scorer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A decoder-only language model that returns next-token logits: the one thing teacher-forced scoring needs.
 * Implementations are not thread-safe for concurrent calls that share one tokenIds array; separate calls
 * with their own arrays may run on separate threads.
 */
public interface CausalLanguageModel extends AutoCloseable {
    /** Logits [batch, seq, vocab] (float32) for token ids [batch, seq] (int64), right-padded; causal, so padding never changes earlier positions. The result belongs to `manager`. */
    NDArray logits(NDManager manager, NDArray tokenIds);

    int vocabSize();

    ModelConfig config();

    @Override
    void close();
}
