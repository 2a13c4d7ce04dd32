package dev.modehop.scorer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.modehop.scorer.model.TransformerOps.activation;
import static dev.modehop.scorer.model.TransformerOps.attention;
import static dev.modehop.scorer.model.TransformerOps.embedding;
import static dev.modehop.scorer.model.TransformerOps.layerNorm;
import static dev.modehop.scorer.model.TransformerOps.linear;

/**
 * GPT-NeoX (the Pythia family) as HF transformers computes it: pre-LayerNorm blocks, attention and MLP
 * in parallel ({@code use_parallel_residual}) or in sequence, a fused query_key_value projection stored
 * per head as [q | k | v], rotary embedding on the first {@code rotary_pct} of each head, GELU, untied
 * {@code embed_out}. Tensor names are HF's.
 *
 * <p>The toy run's extras, both off for real checkpoints: {@code gpt_neox.embed_prev.weight} (embedding
 * of token t-1 added at position t, {@code bos_token_id} before position 0) and
 * {@code gpt_neox.embed_pos.weight} (learned absolute positions).
 */
public final class GptNeoXModel extends DecoderModel {
    public static final String EMBED_IN = "gpt_neox.embed_in.weight";
    public static final String EMBED_PREV = "gpt_neox.embed_prev.weight";
    public static final String EMBED_POS = "gpt_neox.embed_pos.weight";
    public static final String FINAL_NORM = "gpt_neox.final_layer_norm.";
    public static final String EMBED_OUT = "embed_out.weight";

    public GptNeoXModel(ModelConfig config, ModelWeights weights) {
        super(requireNeoX(config), weights);
    }

    private static ModelConfig requireNeoX(ModelConfig c) {
        if (!c.isGptNeoX()) {
            throw new IllegalArgumentException("not a GPT-NeoX config: " + c.architecture());
        }
        if (c.tiedEmbeddings()) {
            throw new IllegalArgumentException("tied embeddings are not a GPT-NeoX layout");
        }
        return c;
    }

    public static String layer(int i) {
        return "gpt_neox.layers." + i + ".";
    }

    @Override
    public Map<String, long[]> parameterShapes(ModelConfig config) {
        return shapes(config);
    }

    /** HF tensor names and shapes of a GPT-NeoX checkpoint with this config (plus the toy extras when on). */
    public static Map<String, long[]> shapes(ModelConfig c) {
        long d = c.hiddenSize();
        long f = c.intermediateSize();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(EMBED_IN, new long[] {c.vocabSize(), d});
        if (c.prevTokenEmbedding()) {
            m.put(EMBED_PREV, new long[] {c.vocabSize(), d});
        }
        if (c.learnedPositions()) {
            m.put(EMBED_POS, new long[] {c.maxPositions(), d});
        }
        for (int i = 0; i < c.numLayers(); i++) {
            String p = layer(i);
            m.put(p + "input_layernorm.weight", new long[] {d});
            m.put(p + "input_layernorm.bias", new long[] {d});
            m.put(p + "post_attention_layernorm.weight", new long[] {d});
            m.put(p + "post_attention_layernorm.bias", new long[] {d});
            m.put(p + "attention.query_key_value.weight", new long[] {3 * d, d});
            if (c.attentionBias()) {
                m.put(p + "attention.query_key_value.bias", new long[] {3 * d});
            }
            m.put(p + "attention.dense.weight", new long[] {d, d});
            if (c.attentionBias()) {
                m.put(p + "attention.dense.bias", new long[] {d});
            }
            m.put(p + "mlp.dense_h_to_4h.weight", new long[] {f, d});
            m.put(p + "mlp.dense_h_to_4h.bias", new long[] {f});
            m.put(p + "mlp.dense_4h_to_h.weight", new long[] {d, f});
            m.put(p + "mlp.dense_4h_to_h.bias", new long[] {d});
        }
        m.put(FINAL_NORM + "weight", new long[] {d});
        m.put(FINAL_NORM + "bias", new long[] {d});
        m.put(EMBED_OUT, new long[] {c.vocabSize(), d});
        return m;
    }

    @Override
    public NDArray forward(NDArray ids, int depth, NDArray headRows) {
        checkDepth(depth, headRows);
        NDManager m = ids.getManager();
        long batch = ids.getShape().get(0);
        int seq = (int) ids.getShape().get(1);
        if (config.learnedPositions() && seq > config.maxPositions()) {
            throw new IllegalArgumentException("sequence of " + seq + " exceeds max_position_embeddings "
                    + config.maxPositions());
        }
        DataType dtype = dtype();
        NDArray x = embedding(ids, weights.get(EMBED_IN));
        if (config.prevTokenEmbedding()) {
            NDArray bos = m.full(new ai.djl.ndarray.types.Shape(batch, 1), config.bosTokenId(), DataType.INT64);
            NDArray prev = seq == 1 ? bos : bos.concat(ids.get(":, 0:" + (seq - 1)), 1);
            x = x.add(embedding(prev, weights.get(EMBED_PREV)));
        }
        if (config.learnedPositions()) {
            NDArray positions = m.arange(0, seq, 1, DataType.INT64);
            x = x.add(embedding(positions, weights.get(EMBED_POS)));
        }
        int heads = config.numHeads();
        int headDim = config.headDim();
        int rotaryDims = config.rotaryDims();
        NDArray[] cosSin = rotaryDims > 0
                ? TransformerOps.rotaryTables(m, seq, rotaryDims, config.rotaryBase(), dtype)
                : new NDArray[2];
        NDArray mask = TransformerOps.causalMask(m, seq, dtype);
        for (int i = 0; i < config.numLayers(); i++) {
            String p = layer(i);
            NDArray attnIn = layerNorm(x, weights.get(p + "input_layernorm.weight"),
                    weights.get(p + "input_layernorm.bias"), config.normEps());
            NDArray qkv = linear(attnIn, weights.get(p + "attention.query_key_value.weight"),
                    optional(p + "attention.query_key_value.bias"));
            // HF stores the fused projection per head: [head0: q k v, head1: q k v, ...]
            NDArray perHead = qkv.reshape(batch, seq, heads, 3L * headDim).transpose(0, 2, 1, 3);
            NDList parts = perHead.split(3, 3);
            NDArray q = TransformerOps.rotary(parts.get(0), rotaryDims, cosSin[0], cosSin[1]);
            NDArray k = TransformerOps.rotary(parts.get(1), rotaryDims, cosSin[0], cosSin[1]);
            NDArray ctx = TransformerOps.mergeHeads(attention(q, k, parts.get(2), mask));
            NDArray attn = linear(ctx, weights.get(p + "attention.dense.weight"), optional(p + "attention.dense.bias"));
            if (config.parallelResidual()) {
                NDArray mlp = mlp(layerNorm(x, weights.get(p + "post_attention_layernorm.weight"),
                        weights.get(p + "post_attention_layernorm.bias"), config.normEps()), p);
                x = x.add(attn).add(mlp);
            } else {
                x = x.add(attn);
                NDArray mlp = mlp(layerNorm(x, weights.get(p + "post_attention_layernorm.weight"),
                        weights.get(p + "post_attention_layernorm.bias"), config.normEps()), p);
                x = x.add(mlp);
            }
            if (i == depth) {
                return x;
            }
        }
        x = layerNorm(headInput(x, headRows), weights.get(FINAL_NORM + "weight"), weights.get(FINAL_NORM + "bias"),
                config.normEps());
        if (depth == DecoderModel.AFTER_FINAL_NORM) {
            return x;
        }
        return linear(x, weights.get(EMBED_OUT), null);
    }

    private NDArray mlp(NDArray h, String p) {
        NDArray up = linear(h, weights.get(p + "mlp.dense_h_to_4h.weight"), weights.get(p + "mlp.dense_h_to_4h.bias"));
        return linear(activation(up, config.hiddenAct()), weights.get(p + "mlp.dense_4h_to_h.weight"),
                weights.get(p + "mlp.dense_4h_to_h.bias"));
    }

    private NDArray optional(String name) {
        return weights.has(name) ? weights.get(name) : null;
    }
}
