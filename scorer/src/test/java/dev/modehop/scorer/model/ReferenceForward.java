package dev.modehop.scorer.model;

import java.util.Map;

/**
 * Plain-Java float loops for GPT-NeoX and LLaMA, written from the HF modeling code's math and sharing
 * nothing with the NDArray implementation except the config record. Accumulates in double.
 * Returns logits [seq][vocab] for one unpadded sequence, or the hidden states [seq][d] at one depth.
 */
final class ReferenceForward {
    private final ModelConfig c;
    private final Map<String, float[]> w;

    ReferenceForward(ModelConfig config, Map<String, float[]> weights) {
        this.c = config;
        this.w = weights;
    }

    /** Depth that means "all the way to the logits". */
    private static final int LOGITS = Integer.MAX_VALUE;

    double[][] logits(long[] ids) {
        return c.isGptNeoX() ? neox(ids, LOGITS) : llama(ids, LOGITS);
    }

    /** The output of block {@code layer} (0-based), or with -1 the last block's output after the final norm. */
    double[][] hiddenStates(long[] ids, int layer) {
        return c.isGptNeoX() ? neox(ids, layer) : llama(ids, layer);
    }

    private double[][] neox(long[] ids, int depth) {
        int n = ids.length;
        int d = c.hiddenSize();
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            x[t] = row(w.get("gpt_neox.embed_in.weight"), (int) ids[t], d);
            if (c.prevTokenEmbedding()) {
                int prev = t == 0 ? c.bosTokenId() : (int) ids[t - 1];
                add(x[t], row(w.get("gpt_neox.embed_prev.weight"), prev, d));
            }
            if (c.learnedPositions()) {
                add(x[t], row(w.get("gpt_neox.embed_pos.weight"), t, d));
            }
        }
        int h = c.numHeads();
        int hd = d / h;
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "gpt_neox.layers." + l + ".";
            double[][] next = new double[n][];
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] a = layerNorm(x[t], w.get(p + "input_layernorm.weight"), w.get(p + "input_layernorm.bias"));
                double[] qkv = matVec(w.get(p + "attention.query_key_value.weight"),
                        w.get(p + "attention.query_key_value.bias"), a, 3 * d);
                q[t] = new double[d];
                k[t] = new double[d];
                v[t] = new double[d];
                for (int head = 0; head < h; head++) {
                    for (int i = 0; i < hd; i++) {
                        q[t][head * hd + i] = qkv[head * 3 * hd + i];
                        k[t][head * hd + i] = qkv[head * 3 * hd + hd + i];
                        v[t][head * hd + i] = qkv[head * 3 * hd + 2 * hd + i];
                    }
                    rope(q[t], head * hd, c.rotaryDims(), t);
                    rope(k[t], head * hd, c.rotaryDims(), t);
                }
            }
            for (int t = 0; t < n; t++) {
                double[] ctx = attend(q, k, v, t, h, h, hd);
                double[] attn = matVec(w.get(p + "attention.dense.weight"), w.get(p + "attention.dense.bias"), ctx, d);
                double[] out = x[t].clone();
                add(out, attn);
                double[] mlpIn = c.parallelResidual() ? x[t] : out;
                double[] ln2 = layerNorm(mlpIn, w.get(p + "post_attention_layernorm.weight"),
                        w.get(p + "post_attention_layernorm.bias"));
                double[] up = matVec(w.get(p + "mlp.dense_h_to_4h.weight"), w.get(p + "mlp.dense_h_to_4h.bias"), ln2,
                        c.intermediateSize());
                for (int i = 0; i < up.length; i++) {
                    up[i] = 0.5 * up[i] * (1 + erf(up[i] / Math.sqrt(2)));
                }
                add(out, matVec(w.get(p + "mlp.dense_4h_to_h.weight"), w.get(p + "mlp.dense_4h_to_h.bias"), up, d));
                next[t] = out;
            }
            x = next;
            if (l == depth) {
                return x;
            }
        }
        double[][] logits = new double[n][];
        for (int t = 0; t < n; t++) {
            double[] f = layerNorm(x[t], w.get("gpt_neox.final_layer_norm.weight"),
                    w.get("gpt_neox.final_layer_norm.bias"));
            if (depth == -1) {
                logits[t] = f;
                continue;
            }
            logits[t] = matVec(w.get("embed_out.weight"), null, f, c.vocabSize());
        }
        return logits;
    }

    private double[][] llama(long[] ids, int depth) {
        int n = ids.length;
        int d = c.hiddenSize();
        int h = c.numHeads();
        int kvh = c.numKeyValueHeads();
        int hd = c.headDim();
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            x[t] = row(w.get("model.embed_tokens.weight"), (int) ids[t], d);
        }
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] a = rms(x[t], w.get(p + "input_layernorm.weight"));
                q[t] = matVec(w.get(p + "self_attn.q_proj.weight"), null, a, h * hd);
                k[t] = matVec(w.get(p + "self_attn.k_proj.weight"), null, a, kvh * hd);
                v[t] = matVec(w.get(p + "self_attn.v_proj.weight"), null, a, kvh * hd);
                for (int head = 0; head < h; head++) {
                    rope(q[t], head * hd, hd, t);
                }
                for (int head = 0; head < kvh; head++) {
                    rope(k[t], head * hd, hd, t);
                }
            }
            double[][] next = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] ctx = attend(q, k, v, t, h, kvh, hd);
                double[] out = x[t].clone();
                add(out, matVec(w.get(p + "self_attn.o_proj.weight"), null, ctx, d));
                double[] b = rms(out, w.get(p + "post_attention_layernorm.weight"));
                double[] gate = matVec(w.get(p + "mlp.gate_proj.weight"), null, b, c.intermediateSize());
                double[] up = matVec(w.get(p + "mlp.up_proj.weight"), null, b, c.intermediateSize());
                for (int i = 0; i < gate.length; i++) {
                    gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                }
                add(out, matVec(w.get(p + "mlp.down_proj.weight"), null, gate, d));
                next[t] = out;
            }
            x = next;
            if (l == depth) {
                return x;
            }
        }
        if (depth == -1) {
            double[][] normed = new double[n][];
            for (int t = 0; t < n; t++) {
                normed[t] = rms(x[t], w.get("model.norm.weight"));
            }
            return normed;
        }
        float[] head = w.get(c.tiedEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight");
        double[][] logits = new double[n][];
        for (int t = 0; t < n; t++) {
            logits[t] = matVec(head, null, rms(x[t], w.get("model.norm.weight")), c.vocabSize());
        }
        return logits;
    }

    /** Query head i attends with key/value head i / (h / kvh). */
    private double[] attend(double[][] q, double[][] k, double[][] v, int t, int h, int kvh, int hd) {
        double[] ctx = new double[h * hd];
        int group = h / kvh;
        for (int head = 0; head < h; head++) {
            int kvHead = head / group;
            double[] s = new double[t + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= t; j++) {
                double dot = 0;
                for (int i = 0; i < hd; i++) {
                    dot += q[t][head * hd + i] * k[j][kvHead * hd + i];
                }
                s[j] = dot / Math.sqrt(hd);
                max = Math.max(max, s[j]);
            }
            double sum = 0;
            for (int j = 0; j <= t; j++) {
                s[j] = Math.exp(s[j] - max);
                sum += s[j];
            }
            for (int j = 0; j <= t; j++) {
                for (int i = 0; i < hd; i++) {
                    ctx[head * hd + i] += s[j] / sum * v[j][kvHead * hd + i];
                }
            }
        }
        return ctx;
    }

    /** Rotates pairs (i, i + r/2) of the first r dims of the head starting at {@code off}. */
    private void rope(double[] vec, int off, int r, int pos) {
        for (int i = 0; i < r / 2; i++) {
            double theta = pos * Math.pow(c.rotaryBase(), -2.0 * i / r);
            double a = vec[off + i];
            double b = vec[off + i + r / 2];
            vec[off + i] = a * Math.cos(theta) - b * Math.sin(theta);
            vec[off + i + r / 2] = b * Math.cos(theta) + a * Math.sin(theta);
        }
    }

    private double[] layerNorm(double[] x, float[] g, float[] b) {
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= x.length;
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (x[i] - mean) / Math.sqrt(var + c.normEps()) * g[i] + b[i];
        }
        return out;
    }

    private double[] rms(double[] x, float[] g) {
        double ms = 0;
        for (double v : x) {
            ms += v * v;
        }
        ms /= x.length;
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] / Math.sqrt(ms + c.normEps()) * g[i];
        }
        return out;
    }

    /** W [rows, x.length] row-major times x, plus bias. */
    private static double[] matVec(float[] wt, float[] bias, double[] x, int rows) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = bias == null ? 0 : bias[r];
            for (int i = 0; i < x.length; i++) {
                s += wt[r * x.length + i] * x[i];
            }
            out[r] = s;
        }
        return out;
    }

    private static double[] row(float[] table, int r, int d) {
        double[] out = new double[d];
        for (int i = 0; i < d; i++) {
            out[i] = table[r * d + i];
        }
        return out;
    }

    private static void add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }

    /** erf by its Maclaurin series for small |x|, continued fraction tail beyond: ~1e-15 accurate. */
    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 3) {
            double term = ax;
            double sum = ax;
            for (int k = 1; k < 200; k++) {
                term *= -ax * ax / k;
                double add = term / (2 * k + 1);
                sum += add;
                if (Math.abs(add) < 1e-17) {
                    break;
                }
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc continued fraction (Lentz), converges fast for x >= 3
            double f = ax;
            for (int k = 60; k >= 1; k--) {
                f = ax + (k / 2.0) / f;
            }
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        }
        return x < 0 ? -r : r;
    }
}
