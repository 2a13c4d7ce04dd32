package dev.modehop.scorer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.modehop.scorer.model.TransformerOps.activation;
import static dev.modehop.scorer.model.TransformerOps.attention;
import static dev.modehop.scorer.model.TransformerOps.embedding;
import static dev.modehop.scorer.model.TransformerOps.linear;
import static dev.modehop.scorer.model.TransformerOps.rmsNorm;

/**
 * The LLaMA family as HF transformers computes it: RMSNorm, separate q/k/v/o projections with
 * grouped-query attention ({@code num_key_value_heads}), rotary embedding on the whole head, SwiGLU MLP
 * ({@code down(act(gate(x)) * up(x))}), {@code lm_head} or tied to {@code embed_tokens}.
 */
public final class LlamaModel extends DecoderModel {
    public static final String EMBED = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    public LlamaModel(ModelConfig config, ModelWeights weights) {
        super(requireLlama(config), weights);
    }

    private static ModelConfig requireLlama(ModelConfig c) {
        if (!c.isLlama()) {
            throw new IllegalArgumentException("not a LLaMA config: " + c.architecture());
        }
        return c;
    }

    public static String layer(int i) {
        return "model.layers." + i + ".";
    }

    @Override
    public Map<String, long[]> parameterShapes(ModelConfig config) {
        return shapes(config);
    }

    public static Map<String, long[]> shapes(ModelConfig c) {
        long d = c.hiddenSize();
        long qDim = (long) c.numHeads() * c.headDim();
        long kvDim = (long) c.numKeyValueHeads() * c.headDim();
        long f = c.intermediateSize();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(EMBED, new long[] {c.vocabSize(), d});
        for (int i = 0; i < c.numLayers(); i++) {
            String p = layer(i);
            m.put(p + "input_layernorm.weight", new long[] {d});
            m.put(p + "self_attn.q_proj.weight", new long[] {qDim, d});
            m.put(p + "self_attn.k_proj.weight", new long[] {kvDim, d});
            m.put(p + "self_attn.v_proj.weight", new long[] {kvDim, d});
            m.put(p + "self_attn.o_proj.weight", new long[] {d, qDim});
            if (c.attentionBias()) {
                m.put(p + "self_attn.q_proj.bias", new long[] {qDim});
                m.put(p + "self_attn.k_proj.bias", new long[] {kvDim});
                m.put(p + "self_attn.v_proj.bias", new long[] {kvDim});
                m.put(p + "self_attn.o_proj.bias", new long[] {d});
            }
            m.put(p + "post_attention_layernorm.weight", new long[] {d});
            m.put(p + "mlp.gate_proj.weight", new long[] {f, d});
            m.put(p + "mlp.up_proj.weight", new long[] {f, d});
            m.put(p + "mlp.down_proj.weight", new long[] {d, f});
            if (c.mlpBias()) {
                m.put(p + "mlp.gate_proj.bias", new long[] {f});
                m.put(p + "mlp.up_proj.bias", new long[] {f});
                m.put(p + "mlp.down_proj.bias", new long[] {d});
            }
        }
        m.put(FINAL_NORM, new long[] {d});
        if (!c.tiedEmbeddings()) {
            m.put(LM_HEAD, new long[] {c.vocabSize(), d});
        }
        return m;
    }

    @Override
    public NDArray forward(NDArray ids, int depth, NDArray headRows) {
        checkDepth(depth, headRows);
        NDManager m = ids.getManager();
        int seq = (int) ids.getShape().get(1);
        DataType dtype = dtype();
        int heads = config.numHeads();
        int kvHeads = config.numKeyValueHeads();
        int headDim = config.headDim();
        NDArray[] cosSin = TransformerOps.rotaryTables(m, seq, headDim, config.rotaryBase(), dtype);
        NDArray mask = TransformerOps.causalMask(m, seq, dtype);
        NDArray x = embedding(ids, weights.get(EMBED));
        for (int i = 0; i < config.numLayers(); i++) {
            String p = layer(i);
            NDArray h = rmsNorm(x, weights.get(p + "input_layernorm.weight"), config.normEps());
            NDArray q = TransformerOps.splitHeads(linear(h, weights.get(p + "self_attn.q_proj.weight"),
                    optional(p + "self_attn.q_proj.bias")), heads, headDim);
            NDArray k = TransformerOps.splitHeads(linear(h, weights.get(p + "self_attn.k_proj.weight"),
                    optional(p + "self_attn.k_proj.bias")), kvHeads, headDim);
            NDArray v = TransformerOps.splitHeads(linear(h, weights.get(p + "self_attn.v_proj.weight"),
                    optional(p + "self_attn.v_proj.bias")), kvHeads, headDim);
            q = TransformerOps.rotary(q, headDim, cosSin[0], cosSin[1]);
            k = TransformerOps.rotary(k, headDim, cosSin[0], cosSin[1]);
            NDArray ctx = TransformerOps.mergeHeads(attention(q, k, v, mask));
            x = x.add(linear(ctx, weights.get(p + "self_attn.o_proj.weight"), optional(p + "self_attn.o_proj.bias")));
            NDArray h2 = rmsNorm(x, weights.get(p + "post_attention_layernorm.weight"), config.normEps());
            NDArray gate = activation(linear(h2, weights.get(p + "mlp.gate_proj.weight"),
                    optional(p + "mlp.gate_proj.bias")), config.hiddenAct());
            NDArray up = linear(h2, weights.get(p + "mlp.up_proj.weight"), optional(p + "mlp.up_proj.bias"));
            x = x.add(linear(gate.mul(up), weights.get(p + "mlp.down_proj.weight"), optional(p + "mlp.down_proj.bias")));
            if (i == depth) {
                return x;
            }
        }
        x = rmsNorm(headInput(x, headRows), weights.get(FINAL_NORM), config.normEps());
        if (depth == DecoderModel.AFTER_FINAL_NORM) {
            return x;
        }
        return linear(x, weights.get(config.tiedEmbeddings() ? EMBED : LM_HEAD), null);
    }

    private NDArray optional(String name) {
        return weights.has(name) ? weights.get(name) : null;
    }
}
