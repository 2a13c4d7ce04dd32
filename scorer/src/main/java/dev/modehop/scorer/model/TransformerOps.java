package dev.modehop.scorer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/**
 * The NDArray building blocks both architectures share.
 *
 * <p>One rule runs through every method: the activation is always the receiver (first operand) of each op,
 * never a weight. DJL puts an op's result in its first operand's manager, so this keeps every intermediate
 * in the caller's per-call manager and none in the long-lived weight manager, for inference and for
 * training (where the weights carry gradients) alike.
 */
final class TransformerOps {
    private TransformerOps() {
    }

    /** x W^T + b, with W in PyTorch's [out, in] layout; {@code bias} may be null. */
    static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    static NDArray embedding(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, double eps) {
        return x.getNDArrayInternal()
                .layerNorm(x, new Shape(x.getShape().getShape()[x.getShape().dimension() - 1]), gamma, beta,
                        (float) eps)
                .singletonOrThrow();
    }

    /** LLaMA's RMSNorm, computed in float32 like HF, then scaled by the weight in the model dtype. */
    static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
        NDArray xf = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray inv = xf.square().mean(new int[] {-1}, true).add(scalar(xf, (float) eps)).sqrt();
        NDArray normed = xf.div(inv);
        if (x.getDataType() != DataType.FLOAT32) {
            normed = normed.toType(x.getDataType(), false);
        }
        return normed.mul(weight);
    }

    static NDArray activation(NDArray x, String name) {
        switch (name) {
            case "gelu":
                return x.getNDArrayInternal().gelu();
            case "gelu_new":
            case "gelu_fast":
            case "gelu_pytorch_tanh": {
                NDArray inner = x.pow(scalar(x, 3)).mul(scalar(x, 0.044715f)).add(x)
                        .mul(scalar(x, (float) Math.sqrt(2 / Math.PI)));
                return inner.tanh().add(scalar(x, 1f)).mul(x).mul(scalar(x, 0.5f));
            }
            case "silu":
                return x.mul(x.getNDArrayInternal().sigmoid());
            case "relu":
                return x.maximum(scalar(x, 0f));
            default:
                throw new IllegalArgumentException("unsupported hidden_act '" + name + "'");
        }
    }

    /** [b, s, heads*dim] -> [b, heads, s, dim]. */
    static NDArray splitHeads(NDArray x, int heads, int dim) {
        long[] s = x.getShape().getShape();
        return x.reshape(s[0], s[1], heads, dim).transpose(0, 2, 1, 3);
    }

    /** [b, heads, s, dim] -> [b, s, heads*dim]. */
    static NDArray mergeHeads(NDArray x) {
        long[] s = x.getShape().getShape();
        return x.transpose(0, 2, 1, 3).reshape(s[0], s[2], s[1] * s[3]);
    }

    /**
     * Rotates the first {@code rotaryDims} of each head (HF's rotate_half convention: pairs (i, i + r/2)),
     * leaving the rest untouched. {@code x} is [b, heads, s, dim]; {@code cos}/{@code sin} are [s, rotaryDims].
     */
    static NDArray rotary(NDArray x, int rotaryDims, NDArray cos, NDArray sin) {
        if (rotaryDims == 0) {
            return x;
        }
        long dim = x.getShape().get(3);
        int half = rotaryDims / 2;
        NDArray rot = rotaryDims == dim ? x : x.get(":, :, :, 0:" + rotaryDims);
        NDArray first = rot.get(":, :, :, 0:" + half);
        NDArray second = rot.get(":, :, :, " + half + ":" + rotaryDims);
        NDArray rotated = second.neg().concat(first, -1);
        NDArray turned = rot.mul(cos).add(rotated.mul(sin));
        if (rotaryDims == dim) {
            return turned;
        }
        return turned.concat(x.get(":, :, :, " + rotaryDims + ":"), -1);
    }

    /**
     * cos and sin tables [seq, rotaryDims] computed as HF does in float32 (inverse frequencies, then
     * position * frequency rounded to float), so positions far from zero match HF's rounding.
     */
    static NDArray[] rotaryTables(NDManager manager, int seq, int rotaryDims, double base, DataType dtype) {
        int half = rotaryDims / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / rotaryDims;
            inv[i] = (float) (1.0 / (float) Math.pow(base, exponent));
        }
        float[] cos = new float[seq * rotaryDims];
        float[] sin = new float[seq * rotaryDims];
        for (int p = 0; p < seq; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) p * inv[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[p * rotaryDims + i] = c;
                cos[p * rotaryDims + half + i] = c;
                sin[p * rotaryDims + i] = s;
                sin[p * rotaryDims + half + i] = s;
            }
        }
        Shape shape = new Shape(seq, rotaryDims);
        return new NDArray[] {asType(manager.create(cos, shape), dtype), asType(manager.create(sin, shape), dtype)};
    }

    /** Additive causal mask [seq, seq]: 0 on and below the diagonal, a large negative number above. */
    static NDArray causalMask(NDManager manager, int seq, DataType dtype) {
        float blocked = dtype == DataType.FLOAT16 ? -65504f : -1e30f;
        float[] m = new float[seq * seq];
        for (int i = 0; i < seq; i++) {
            for (int j = i + 1; j < seq; j++) {
                m[i * seq + j] = blocked;
            }
        }
        return asType(manager.create(m, new Shape(seq, seq)), dtype);
    }

    /**
     * Causal softmax attention. q [b, h, s, d]; k, v [b, kvHeads, s, d] with h a multiple of kvHeads
     * (grouped-query attention: query head i reads key/value head i / (h / kvHeads), as HF's repeat_kv).
     */
    static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask) {
        long[] qs = q.getShape().getShape();
        long kvHeads = k.getShape().get(1);
        if (kvHeads != qs[1]) {
            long rep = qs[1] / kvHeads;
            long[] ks = k.getShape().getShape();
            k = k.expandDims(2).broadcast(ks[0], kvHeads, rep, ks[2], ks[3]).reshape(ks[0], qs[1], ks[2], ks[3]);
            v = v.expandDims(2).broadcast(ks[0], kvHeads, rep, ks[2], ks[3]).reshape(ks[0], qs[1], ks[2], ks[3]);
        }
        NDArray scale = scalar(q, (float) (1.0 / Math.sqrt(qs[3])));
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(mask);
        NDArray probs;
        if (scores.getDataType() == DataType.FLOAT32) {
            probs = scores.softmax(-1);
        } else {
            probs = scores.toType(DataType.FLOAT32, false).softmax(-1).toType(scores.getDataType(), false);
        }
        return probs.matMul(v);
    }

    /**
     * {@code value} as a scalar array in {@code like}'s manager, for use as an op's operand. Never use DJL's
     * {@code op(Number)} overloads on the forward path: they wrap the number in a tensor over a Java direct
     * buffer and close it right after the op, but autograd keeps that tensor for the backward pass (mul, div,
     * pow and maximum read it), so a GC between forward and backward frees the buffer and the backward reads
     * freed memory (wrong gradients, NaN). Owned by the caller's per-call manager, the scalar outlives backward.
     */
    static NDArray scalar(NDArray like, Number value) {
        return like.getManager().create(value);
    }

    private static NDArray asType(NDArray a, DataType dtype) {
        return a.getDataType() == dtype ? a : a.toType(dtype, false);
    }
}
