package dev.modehop.scorer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/**
 * The NDArray building blocks of the transformer block.
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

    /** LayerNorm with nothing learned (OLMo v1), computed in float32 like HF. */
    static NDArray plainLayerNorm(NDArray x, double eps) {
        NDArray xf = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        long d = xf.getShape().get(xf.getShape().dimension() - 1);
        NDManager m = xf.getManager();
        NDArray normed = layerNorm(xf, m.ones(new Shape(d)), m.zeros(new Shape(d)), eps);
        return x.getDataType() == DataType.FLOAT32 ? normed : normed.toType(x.getDataType(), false);
    }

    /**
     * RMSNorm over the last axis, computed in float32 like HF. {@code onePlusWeight}: Gemma's form, scaled by
     * (1 + w) in float32, then cast; otherwise LLaMA's, cast back to the model dtype, then scaled by w.
     */
    static NDArray rmsNorm(NDArray x, NDArray weight, double eps, boolean onePlusWeight) {
        NDArray xf = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray inv = xf.square().mean(new int[] {-1}, true).add(scalar(xf, (float) eps)).sqrt();
        NDArray normed = xf.div(inv);
        if (onePlusWeight) {
            NDArray w = weight.getDataType() == DataType.FLOAT32 ? weight : weight.toType(DataType.FLOAT32, false);
            NDArray scaled = normed.mul(scalar(normed, 1f).add(w));
            return x.getDataType() == DataType.FLOAT32 ? scaled : scaled.toType(x.getDataType(), false);
        }
        if (x.getDataType() != DataType.FLOAT32) {
            normed = normed.toType(x.getDataType(), false);
        }
        return normed.mul(weight);
    }

    /** OLMo's clip_qkv: values clamped to [-c, c]. */
    static NDArray clip(NDArray x, double c) {
        return x.maximum(scalar(x, (float) -c)).minimum(scalar(x, (float) c));
    }

    /**
     * Apertus' xIELU with its per-layer constants: {@code alphaP x^2 + beta x} for x > 0, else
     * {@code alphaN (e^min(x, eps) - 1 - x) + beta x}.
     */
    static NDArray xielu(NDArray x, float alphaP, float alphaN, float beta, float eps) {
        NDArray linear = x.mul(scalar(x, beta));
        NDArray positive = x.mul(x).mul(scalar(x, alphaP)).add(linear);
        NDArray negative = x.minimum(scalar(x, eps)).exp().sub(scalar(x, 1f)).sub(x).mul(scalar(x, alphaN)).add(linear);
        return ai.djl.ndarray.NDArrays.where(x.gt(scalar(x, 0f)), positive, negative);
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
            case "swish":
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
     * Additive mask [seq, start + seq] for queries at positions {@code start ..} over keys at {@code 0 ..}: 0 where
     * the key is at or before the query (and, with {@code window > 0}, fewer than {@code window} positions back,
     * as HF's sliding window), a large negative number elsewhere.
     */
    static NDArray causalMask(NDManager manager, int start, int seq, int window, DataType dtype) {
        float blocked = dtype == DataType.FLOAT16 ? -65504f : -1e30f;
        int keys = start + seq;
        float[] m = new float[seq * keys];
        for (int i = 0; i < seq; i++) {
            int q = start + i;
            for (int j = 0; j < keys; j++) {
                if (j > q || (window > 0 && q - j >= window)) {
                    m[i * keys + j] = blocked;
                }
            }
        }
        return asType(manager.create(m, new Shape(seq, keys)), dtype);
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
