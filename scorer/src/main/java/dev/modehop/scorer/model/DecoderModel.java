package dev.modehop.scorer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * What both architectures share: per-call scoping of intermediates, device placement, float32 logits.
 * Subclasses implement {@link #forward(NDArray, int, NDArray)}, which is the single code path for scoring, for
 * training and for reading hidden states (predictors).
 */
public abstract class DecoderModel implements CausalLanguageModel {
    protected final ModelConfig config;
    protected final ModelWeights weights;
    private final Device device;
    private final DataType dtype;

    protected DecoderModel(ModelConfig config, ModelWeights weights) {
        this.config = config;
        this.weights = weights;
        NDArray any = weights.tensors().values().iterator().next();
        this.device = any.getDevice();
        this.dtype = any.getDataType();
        for (Map.Entry<String, long[]> e : parameterShapes(config).entrySet()) {
            long[] actual = weights.get(e.getKey()).getShape().getShape();
            if (!new Shape(actual).equals(new Shape(e.getValue()))) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has shape " + new Shape(actual)
                        + ", expected " + new Shape(e.getValue()));
            }
        }
    }

    /** The tensors this architecture needs, by HF name, with their shapes. */
    public abstract Map<String, long[]> parameterShapes(ModelConfig config);

    /** {@link #forward(NDArray, int)} depth: run every block, the final norm and the output head. */
    public static final int LOGITS = Integer.MAX_VALUE;
    /** {@link #forward(NDArray, int)} depth: the last block's output after the final norm (what the head reads). */
    public static final int AFTER_FINAL_NORM = -1;

    /**
     * Logits [b, s, vocab] in the model dtype. Every intermediate and the result live in {@code tokenIds}'
     * manager (which must be on the model's device); with parameters that require gradients, this is the
     * graph a GradientCollector differentiates.
     */
    public NDArray forward(NDArray tokenIds) {
        return forward(tokenIds, LOGITS);
    }

    /**
     * {@link #forward(NDArray, int, NDArray)} over every position: {@link #LOGITS} for logits [b, s, vocab];
     * a block index {@code 0..numLayers-1} for that block's output (the residual stream after it) [b, s, d];
     * {@link #AFTER_FINAL_NORM} for the final block's output after the final norm [b, s, d]. Stopping early skips
     * the remaining blocks and the head. Same manager rules as {@link #forward(NDArray)}.
     */
    public NDArray forward(NDArray tokenIds, int depth) {
        return forward(tokenIds, depth, null);
    }

    /**
     * The single forward code path. With {@code headRows} null it returns {@link #forward(NDArray, int)}'s
     * [b, s, ...] result. Otherwise {@code headRows} (int64 [n], on the ids' device) are indices {@code batch *
     * seq + position} into the flattened positions, and the final norm and the head run on those rows only:
     * [n, vocab] at {@link #LOGITS}, [n, d] at {@link #AFTER_FINAL_NORM} (block depths refuse them). Both are
     * per-position maps, so each row equals the full result's row; scoring reads a few positions per sequence
     * and this skips the [b, s, vocab] projection.
     */
    public abstract NDArray forward(NDArray tokenIds, int depth, NDArray headRows);

    /** Before the final norm: the rows {@code headRows} picks out of x [b, s, d] as [n, d], or x itself when null. */
    protected static NDArray headInput(NDArray x, NDArray headRows) {
        if (headRows == null) {
            return x;
        }
        return x.reshape(-1, x.getShape().get(x.getShape().dimension() - 1)).get(new NDIndex("{}", headRows));
    }

    /** Rejects a depth {@link #forward(NDArray, int)} does not know. */
    protected final void checkDepth(int depth, NDArray headRows) {
        if (headRows != null && depth != LOGITS && depth != AFTER_FINAL_NORM) {
            throw new IllegalArgumentException("head rows apply to the logits or the final norm, not block " + depth);
        }
        if (depth != LOGITS && (depth < AFTER_FINAL_NORM || depth >= config.numLayers())) {
            throw new IllegalArgumentException("layer " + depth + " does not exist: the model has blocks 0.."
                    + (config.numLayers() - 1) + " (-1 = after the final norm)");
        }
    }

    @Override
    public NDArray logits(NDManager manager, NDArray tokenIds) {
        return projected(manager, tokenIds, null);
    }

    /** Runs the final norm and the head on the selected rows only (see {@link #forward(NDArray, int, NDArray)}). */
    @Override
    public NDArray logitsAt(NDManager manager, NDArray tokenIds, long[] rows) {
        return projected(manager, tokenIds, CausalLanguageModel.checkRows(tokenIds, rows));
    }

    private NDArray projected(NDManager manager, NDArray tokenIds, long[] rows) {
        if (tokenIds.getShape().dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, seq], got " + tokenIds.getShape());
        }
        try (NDManager scope = manager.newSubManager(device)) {
            NDArray ids = scope.create(asLongs(tokenIds), tokenIds.getShape());
            NDArray out = forward(ids, LOGITS, rows == null ? null : scope.create(rows));
            if (out.getDataType() != DataType.FLOAT32) {
                out = out.toType(DataType.FLOAT32, false);
            }
            if (!out.getDevice().equals(manager.getDevice())) {
                out = out.toDevice(manager.getDevice(), false);
            }
            out.attach(manager);
            return out;
        }
    }

    /**
     * One vector per sequence: the hidden states at {@code layer} (a block index, or {@link #AFTER_FINAL_NORM}) averaged
     * over each sequence's first {@code lengths[i]} positions, i.e. its real tokens; right padding after them
     * changes nothing, because the model is causal. Float32 [b, d], owned by {@code manager}; intermediates are
     * freed before the call returns.
     */
    public NDArray pooledHiddenStates(NDManager manager, NDArray tokenIds, int[] lengths, int layer) {
        if (tokenIds.getShape().dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, seq], got " + tokenIds.getShape());
        }
        if (layer == LOGITS) {
            throw new IllegalArgumentException("pooled hidden states need a layer, not the logits");
        }
        checkDepth(layer, null);
        int batch = (int) tokenIds.getShape().get(0);
        int seq = (int) tokenIds.getShape().get(1);
        if (lengths.length != batch) {
            throw new IllegalArgumentException(lengths.length + " lengths for a batch of " + batch);
        }
        float[] weights = new float[batch * seq];
        for (int b = 0; b < batch; b++) {
            if (lengths[b] < 1 || lengths[b] > seq) {
                throw new IllegalArgumentException("length " + lengths[b] + " outside 1.." + seq);
            }
            for (int t = 0; t < lengths[b]; t++) {
                weights[b * seq + t] = 1f / lengths[b];
            }
        }
        try (NDManager scope = manager.newSubManager(device)) {
            NDArray ids = scope.create(asLongs(tokenIds), tokenIds.getShape());
            NDArray hidden = forward(ids, layer);
            if (hidden.getDataType() != DataType.FLOAT32) {
                hidden = hidden.toType(DataType.FLOAT32, false);
            }
            // [b, 1, s] x [b, s, d] -> [b, 1, d]: a masked mean as one batched product
            NDArray pooled = scope.create(weights, new Shape(batch, 1, seq)).matMul(hidden).reshape(batch,
                    hidden.getShape().get(2));
            if (!pooled.getDevice().equals(manager.getDevice())) {
                pooled = pooled.toDevice(manager.getDevice(), false);
            }
            pooled.attach(manager);
            return pooled;
        }
    }

    private static long[] asLongs(NDArray tokenIds) {
        if (tokenIds.getDataType() == DataType.INT64) {
            return tokenIds.toLongArray();
        }
        try (NDArray asLong = tokenIds.toType(DataType.INT64, true)) {
            return asLong.toLongArray();
        }
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    public Device device() {
        return device;
    }

    public DataType dtype() {
        return dtype;
    }

    @Override
    public void close() {
        weights.close();
    }
}
