package dev.modehop.scorer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * A decoder-only language model that returns next-token logits: the one thing teacher-forced scoring needs.
 * Implementations are not thread-safe for concurrent calls that share one tokenIds array; separate calls
 * with their own arrays may run on separate threads.
 */
public interface CausalLanguageModel extends AutoCloseable {
    /** Logits [batch, seq, vocab] (float32) for token ids [batch, seq] (int64), right-padded; causal, so padding never changes earlier positions. The result belongs to `manager`. */
    NDArray logits(NDManager manager, NDArray tokenIds);

    /**
     * The rows of {@link #logits} at the flattened positions {@code rows} ({@code batch * seq + position}, in that
     * order, repeats allowed): float32 [rows.length, vocab], owned by {@code manager}. Scoring reads only the
     * positions that predict answer tokens; {@link DecoderModel} projects just those through its head, this
     * default computes every position and copies the rows out.
     */
    default NDArray logitsAt(NDManager manager, NDArray tokenIds, long[] rows) {
        checkRows(tokenIds, rows);
        try (NDManager scope = manager.newSubManager()) {
            NDArray all = logits(scope, tokenIds);
            long vocab = all.getShape().get(all.getShape().dimension() - 1);
            NDArray picked = all.reshape(-1, vocab).get(new NDIndex("{}", scope.create(rows)));
            picked.attach(manager);
            return picked;
        }
    }

    int vocabSize();

    ModelConfig config();

    @Override
    void close();

    /** Refuses rows outside {@code [0, batch * seq)} of [batch, seq] ids; returns {@code rows}. */
    static long[] checkRows(NDArray tokenIds, long[] rows) {
        if (tokenIds.getShape().dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, seq], got " + tokenIds.getShape());
        }
        long positions = tokenIds.getShape().size();
        for (long r : rows) {
            if (r < 0 || r >= positions) {
                throw new IllegalArgumentException("row " + r + " outside the " + positions + " positions of "
                        + tokenIds.getShape());
            }
        }
        return rows;
    }
}
