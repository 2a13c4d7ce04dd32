package dev.modehop.scorer.predictors;

/**
 * Whether and how a scorer measures the generalization predictors of each checkpoint.
 *
 * @param enabled    off = no {@code checkpoint.predictors} record at all
 * @param layer      the block whose output is measured (0-based), -1 = after the final norm, null = the middle
 *                   block ({@code numLayers / 2})
 * @param maxPrompts most distinct suite prompts that feed the activation matrix (spread evenly over the suite)
 * @param everyBlock also measure RankMe and the participation ratio of every block's output, from the same
 *                   forward pass (the predictor test picks the best block); on by default
 */
public record PredictorSettings(boolean enabled, Integer layer, int maxPrompts, boolean everyBlock) {
    public static final int DEFAULT_MAX_PROMPTS = 256;

    public PredictorSettings {
        if (maxPrompts < 2) {
            throw new IllegalArgumentException("maxPrompts must be >= 2: " + maxPrompts);
        }
        if (layer != null && layer < -1) {
            throw new IllegalArgumentException("layer must be >= -1: " + layer);
        }
    }

    public PredictorSettings(boolean enabled, Integer layer, int maxPrompts) {
        this(enabled, layer, maxPrompts, true);
    }

    public static PredictorSettings defaults() {
        return new PredictorSettings(true, null, DEFAULT_MAX_PROMPTS);
    }

    public static PredictorSettings off() {
        return new PredictorSettings(false, null, DEFAULT_MAX_PROMPTS);
    }

    public PredictorSettings withLayer(Integer l) {
        return new PredictorSettings(enabled, l, maxPrompts, everyBlock);
    }

    public PredictorSettings withMaxPrompts(int n) {
        return new PredictorSettings(enabled, layer, n, everyBlock);
    }

    public PredictorSettings withEveryBlock(boolean on) {
        return new PredictorSettings(enabled, layer, maxPrompts, on);
    }

    /** The configured layer, or the middle block of a model with {@code numLayers} blocks. */
    public int layerFor(int numLayers) {
        return layer != null ? layer : numLayers / 2;
    }
}
