package dev.modehop.scorer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * What both architectures share: per-call scoping of intermediates, device placement, float32 logits.
 * Subclasses implement {@link #forward}, which is the single code path for scoring and for training.
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

    /**
     * Logits [b, s, vocab] in the model dtype. Every intermediate and the result live in {@code tokenIds}'
     * manager (which must be on the model's device); with parameters that require gradients, this is the
     * graph a GradientCollector differentiates.
     */
    public abstract NDArray forward(NDArray tokenIds);

    @Override
    public NDArray logits(NDManager manager, NDArray tokenIds) {
        if (tokenIds.getShape().dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, seq], got " + tokenIds.getShape());
        }
        try (NDManager scope = manager.newSubManager(device)) {
            long[] raw;
            if (tokenIds.getDataType() == DataType.INT64) {
                raw = tokenIds.toLongArray();
            } else {
                try (NDArray asLong = tokenIds.toType(DataType.INT64, true)) {
                    raw = asLong.toLongArray();
                }
            }
            NDArray ids = scope.create(raw, tokenIds.getShape());
            NDArray out = forward(ids);
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
