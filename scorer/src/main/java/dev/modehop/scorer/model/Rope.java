package dev.modehop.scorer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;

/**
 * Rotary position embedding: base, share of each head it turns, and scaling, with the frequencies HF
 * computes for each scaling type. Every type here keeps HF's attention factor of 1 (types that change it,
 * such as yarn or longrope, are refused when the config is read).
 *
 * @param type                 {@code default}, {@code linear}, {@code dynamic} or {@code llama3}
 * @param base                 {@code rope_theta} / {@code rotary_emb_base}
 * @param factor               the scaling factor (1 for {@code default})
 * @param lowFreqFactor        llama3 only
 * @param highFreqFactor       llama3 only
 * @param originalMaxPositions context the model was trained at: llama3's {@code original_max_position_embeddings};
 *                             dynamic scaling starts beyond it
 */
public record Rope(String type, double base, double factor, double lowFreqFactor, double highFreqFactor,
                   int originalMaxPositions) {
    public static final String DEFAULT = "default";
    public static final String LINEAR = "linear";
    public static final String DYNAMIC = "dynamic";
    public static final String LLAMA3 = "llama3";

    public Rope {
        if (!(base > 0)) {
            throw new IllegalArgumentException("rope_theta must be positive: " + base);
        }
        if (!type.equals(DEFAULT) && !(factor > 0)) {
            throw new IllegalArgumentException("rope " + type + " factor must be positive: " + factor);
        }
        if (type.equals(LLAMA3) && (originalMaxPositions <= 0 || !(highFreqFactor > lowFreqFactor))) {
            throw new IllegalArgumentException("llama3 rope scaling needs original_max_position_embeddings > 0 and"
                    + " high_freq_factor > low_freq_factor: " + this);
        }
        if (type.equals(DYNAMIC) && originalMaxPositions <= 0) {
            throw new IllegalArgumentException("dynamic rope scaling needs max_position_embeddings > 0");
        }
    }

    public static Rope plain(double base) {
        return new Rope(DEFAULT, base, 1, 0, 0, 0);
    }

    /**
     * The inverse frequencies for {@code dims} rotated dimensions at a sequence of {@code seq} positions, in
     * float32 like HF ({@code 1 / base^(2i/dims)}). Dynamic scaling depends on the length: beyond the original
     * context HF raises the base; we do so for each call from its own length (HF keeps the raised base from an
     * earlier, longer call, which makes its results depend on call order).
     */
    public float[] inverseFrequencies(int dims, int seq) {
        double b = base;
        if (type.equals(DYNAMIC) && seq > originalMaxPositions) {
            b = base * Math.pow(factor * seq / originalMaxPositions - (factor - 1), (double) dims / (dims - 2));
        }
        int half = dims / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / dims;
            inv[i] = (float) (1.0 / (float) Math.pow(b, exponent));
        }
        if (type.equals(LINEAR)) {
            for (int i = 0; i < half; i++) {
                inv[i] = (float) (inv[i] / factor);
            }
        } else if (type.equals(LLAMA3)) {
            float lowWavelen = (float) (originalMaxPositions / lowFreqFactor);
            float highWavelen = (float) (originalMaxPositions / highFreqFactor);
            for (int i = 0; i < half; i++) {
                float wavelen = (float) (2 * Math.PI / inv[i]);
                float scaled = wavelen > lowWavelen ? (float) (inv[i] / factor) : inv[i];
                if (!(wavelen < highWavelen) && !(wavelen > lowWavelen)) {
                    float smooth = (float) ((originalMaxPositions / wavelen - lowFreqFactor)
                            / (highFreqFactor - lowFreqFactor));
                    scaled = (float) ((1 - smooth) * scaled / factor + smooth * scaled);
                }
                inv[i] = scaled;
            }
        }
        return inv;
    }

    /**
     * cos and sin tables [seq, dims] for positions {@code start .. start + seq - 1}, each angle rounded to
     * float32 as HF's float32 product is, so positions far from zero match HF's rounding.
     */
    public NDArray[] tables(NDManager manager, int start, int seq, int dims, DataType dtype) {
        float[] inv = inverseFrequencies(dims, start + seq);
        int half = dims / 2;
        float[] cos = new float[seq * dims];
        float[] sin = new float[seq * dims];
        for (int p = 0; p < seq; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) (start + p) * inv[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[p * dims + i] = c;
                cos[p * dims + half + i] = c;
                sin[p * dims + i] = s;
                sin[p * dims + half + i] = s;
            }
        }
        Shape shape = new Shape(seq, dims);
        NDArray c = manager.create(cos, shape);
        NDArray s = manager.create(sin, shape);
        if (dtype != DataType.FLOAT32) {
            c = c.toType(dtype, false);
            s = s.toType(dtype, false);
        }
        return new NDArray[] {c, s};
    }

    /** A short form for the command line: {@code theta 10000} or {@code llama3 x8 theta 500000}. */
    public String describe() {
        String theta = String.format(Locale.ROOT, "theta %s", base == Math.rint(base) ? String.valueOf((long) base) : base);
        return type.equals(DEFAULT) ? theta : String.format(Locale.ROOT, "%s x%s %s", type, factor, theta);
    }
}
