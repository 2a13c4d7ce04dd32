package dev.modehop.scorer.predictors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.modehop.scorer.model.DecoderModel;
import dev.modehop.probes.ProbeItem;
import dev.modehop.scorer.scoring.TextTokenizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The activation matrix the predictors measure: one row per prompt, the prompt's hidden states at one layer
 * averaged over its real tokens (see {@link DecoderModel#pooledHiddenStates}). Prompts are tokenized as the
 * scorer tokenizes them, sorted by length and run in right-padded batches.
 */
public final class PromptActivations {
    private PromptActivations() {
    }

    /**
     * The suite's distinct prompts (first occurrence order), thinned to at most {@code max} by taking every
     * (n / max)-th one, so that every family and task keeps its share instead of the first families filling
     * the cap.
     */
    public static List<String> distinctPrompts(List<ProbeItem> items, int max) {
        List<String> all = new ArrayList<>(new LinkedHashSet<>(items.stream().map(ProbeItem::prompt).toList()));
        if (all.size() <= max) {
            return all;
        }
        List<String> out = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            out.add(all.get((int) ((long) i * all.size() / max)));
        }
        return out;
    }

    /**
     * Rows [prompts.size()][hidden] in the order of {@code prompts}.
     *
     * @param batchSize      most prompts per forward pass
     * @param maxBatchTokens most padded tokens (prompts x longest) per forward pass
     */
    public static double[][] pooled(DecoderModel model, TextTokenizer tokenizer, NDManager manager,
                                    List<String> prompts, int layer, int batchSize, int maxBatchTokens) {
        return batched(tokenizer, manager, prompts, batchSize, maxBatchTokens, 1,
                (sub, ids, lengths) -> new NDArray[] {model.pooledHiddenStates(sub, ids, lengths, layer)})[0];
    }

    /**
     * The rows of every block from one forward pass per batch: [block][prompts.size()][hidden].
     */
    public static double[][][] pooledEveryBlock(DecoderModel model, TextTokenizer tokenizer, NDManager manager,
                                                List<String> prompts, int batchSize, int maxBatchTokens) {
        return batched(tokenizer, manager, prompts, batchSize, maxBatchTokens, model.config().numLayers(),
                model::pooledHiddenStatesEveryBlock);
    }

    /** Pooled activations of one batch: one [b, d] array per measured layer. */
    private interface Pooling {
        NDArray[] pool(NDManager manager, NDArray ids, int[] lengths);
    }

    private static double[][][] batched(TextTokenizer tokenizer, NDManager manager, List<String> prompts,
                                        int batchSize, int maxBatchTokens, int layers, Pooling pooling) {
        int n = prompts.size();
        long[][] ids = new long[n][];
        for (int i = 0; i < n; i++) {
            ids[i] = tokenizer.encode(prompts.get(i));
            if (ids[i].length == 0) {
                throw new IllegalArgumentException("prompt " + i + " has no tokens");
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt((Integer i) -> ids[i].length).reversed());
        double[][][] rows = new double[layers][n][];
        int start = 0;
        while (start < n) {
            int longest = ids[order.get(start)].length;
            int end = start + 1;
            while (end < n && end - start < batchSize && (long) (end - start + 1) * longest <= maxBatchTokens) {
                end++;
            }
            int b = end - start;
            long[] flat = new long[b * longest];
            int[] lengths = new int[b];
            for (int s = 0; s < b; s++) {
                long[] seq = ids[order.get(start + s)];
                System.arraycopy(seq, 0, flat, s * longest, seq.length);
                lengths[s] = seq.length;
            }
            try (NDManager sub = manager.newSubManager()) {
                NDArray[] pooled = pooling.pool(sub, sub.create(flat, new Shape(b, longest)), lengths);
                for (int l = 0; l < layers; l++) {
                    int d = (int) pooled[l].getShape().get(1);
                    float[] values = pooled[l].toFloatArray();
                    for (int s = 0; s < b; s++) {
                        double[] row = new double[d];
                        for (int k = 0; k < d; k++) {
                            row[k] = values[s * d + k];
                        }
                        rows[l][order.get(start + s)] = row;
                    }
                }
            }
            start = end;
        }
        return rows;
    }
}
