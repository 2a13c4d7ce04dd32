package dev.modehop.scorer.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.modehop.scorer.model.CausalLanguageModel;
import dev.modehop.scorer.model.ModelConfig;
import java.util.function.BiFunction;

/**
 * A test model whose logits at position s are a function of the prefix ids[0..s], computed in plain Java:
 * a bigram table (depends on the current token only) or any prefix function, so that probabilities can be
 * worked out by hand. Causal by construction.
 */
final class TableModel implements CausalLanguageModel {
    private final int vocab;
    private final BiFunction<long[], Integer, float[]> logitsOfPrefix;
    int calls;
    int maxBatch;

    private TableModel(int vocab, BiFunction<long[], Integer, float[]> logitsOfPrefix) {
        this.vocab = vocab;
        this.logitsOfPrefix = logitsOfPrefix;
    }

    /** logits(position s) = table[ids[s]]. */
    static TableModel bigram(float[][] table) {
        return new TableModel(table.length, (ids, s) -> table[(int) ids[s]]);
    }

    /** logits(position s) = f(ids, s), where f may read ids[0..s] only. */
    static TableModel prefix(int vocab, BiFunction<long[], Integer, float[]> f) {
        return new TableModel(vocab, f);
    }

    @Override
    public NDArray logits(NDManager manager, NDArray tokenIds) {
        calls++;
        long[] shape = tokenIds.getShape().getShape();
        int b = (int) shape[0];
        int len = (int) shape[1];
        maxBatch = Math.max(maxBatch, b);
        long[] ids = tokenIds.toLongArray();
        float[] out = new float[b * len * vocab];
        for (int i = 0; i < b; i++) {
            long[] row = java.util.Arrays.copyOfRange(ids, i * len, (i + 1) * len);
            for (int s = 0; s < len; s++) {
                // Only the prefix is visible, as in a causal model.
                long[] visible = java.util.Arrays.copyOf(row, s + 1);
                float[] l = logitsOfPrefix.apply(visible, s);
                System.arraycopy(l, 0, out, (i * len + s) * vocab, vocab);
            }
        }
        return manager.create(out, new Shape(b, len, vocab));
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public ModelConfig config() {
        return ModelConfig.gptNeoX(vocab, 4, 1, 1, 4, 64, 0);
    }

    @Override
    public void close() {
    }
}
