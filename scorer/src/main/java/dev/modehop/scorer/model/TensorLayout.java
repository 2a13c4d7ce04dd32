package dev.modehop.scorer.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** The tensors (HF names and shapes) a {@link ModelConfig} implies, for every {@link Architecture}. */
public final class TensorLayout {
    public static final String EMBED_PREV = "gpt_neox.embed_prev.weight";
    public static final String EMBED_POS = "gpt_neox.embed_pos.weight";
    static final String[] XIELU_PARAMETERS = {"alpha_p", "alpha_n", "beta", "eps"};

    private TensorLayout() {
    }

    public static Map<String, long[]> shapes(ModelConfig c) {
        Architecture a = c.family();
        long d = c.hiddenSize();
        long qDim = (long) c.numHeads() * c.headDim();
        long kvDim = (long) c.numKeyValueHeads() * c.headDim();
        long f = c.intermediateSize();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(a.embedding(), new long[] {c.vocabSize(), d});
        if (c.prevTokenEmbedding()) {
            m.put(EMBED_PREV, new long[] {c.vocabSize(), d});
        }
        if (c.learnedPositions()) {
            m.put(EMBED_POS, new long[] {c.maxPositions(), d});
        }
        for (int i = 0; i < c.numLayers(); i++) {
            String p = a.layer(i);
            norm(m, a, p + a.attentionNorm(), d);
            norm(m, a, p + a.mlpNorm(), d);
            if (a.fusedQkv()) {
                linear(m, p + a.fusedQueryKeyValue(), qDim + 2 * kvDim, d, c.attentionBias());
            } else {
                linear(m, p + a.query(), qDim, d, c.attentionBias());
                linear(m, p + a.key(), kvDim, d, c.attentionBias());
                linear(m, p + a.value(), kvDim, d, c.attentionBias());
            }
            linear(m, p + a.output(), d, qDim, c.outputBias());
            switch (a.qkNorm()) {
                case PER_HEAD -> {
                    m.put(p + a.queryNorm(), new long[] {c.headDim()});
                    m.put(p + a.keyNorm(), new long[] {c.headDim()});
                }
                case WHOLE -> {
                    m.put(p + a.queryNorm(), new long[] {qDim});
                    m.put(p + a.keyNorm(), new long[] {kvDim});
                }
                case NONE -> {
                }
            }
            if (a.gatedMlp()) {
                linear(m, p + a.gate(), f, d, c.mlpBias());
            }
            linear(m, p + a.up(), f, d, c.mlpBias());
            linear(m, p + a.down(), d, f, c.mlpBias());
            if (c.hiddenAct().equals("xielu")) {
                m.put(p + a.xielu("alpha_p"), new long[] {1});
                m.put(p + a.xielu("alpha_n"), new long[] {1});
                m.put(p + a.xielu("beta"), new long[] {});
                m.put(p + a.xielu("eps"), new long[] {});
            }
        }
        norm(m, a, a.finalNorm(), d);
        if (!c.tiedEmbeddings()) {
            m.put(a.head(), new long[] {c.vocabSize(), d});
        }
        return m;
    }

    private static void norm(Map<String, long[]> m, Architecture a, String prefix, long d) {
        if (a.hasNormWeights()) {
            m.put(prefix + "weight", new long[] {d});
        }
        if (a.norm() == Architecture.Norm.LAYER_NORM) {
            m.put(prefix + "bias", new long[] {d});
        }
    }

    private static void linear(Map<String, long[]> m, String prefix, long out, long in, boolean bias) {
        m.put(prefix + "weight", new long[] {out, in});
        if (bias) {
            m.put(prefix + "bias", new long[] {out});
        }
    }
}
