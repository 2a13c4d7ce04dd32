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

    public static PredictorSettings defaults() {
        return new PredictorSettings(true, null, DEFAULT_MAX_PROMPTS, true);
    }

    public static PredictorSettings off() {
        return new PredictorSettings(false, null, DEFAULT_MAX_PROMPTS, true);
    }

    /** The configured layer, or the middle block of a model with {@code numLayers} blocks. */
    public int layerFor(int numLayers) {
        return layer != null ? layer : numLayers / 2;
    }

    /** A builder starting from the defaults ({@link #defaults()}). */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from this record's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The record's fields by name, from the values it was made from; {@link #build()} checks them. */
    public static final class Builder {
        private boolean enabled;
        private Integer layer;
        private int maxPrompts;
        private boolean everyBlock;

        private Builder(PredictorSettings from) {
            enabled = from.enabled;
            layer = from.layer;
            maxPrompts = from.maxPrompts;
            everyBlock = from.everyBlock;
        }

        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public Builder layer(Integer layer) {
            this.layer = layer;
            return this;
        }

        public Builder maxPrompts(int maxPrompts) {
            this.maxPrompts = maxPrompts;
            return this;
        }

        public Builder everyBlock(boolean everyBlock) {
            this.everyBlock = everyBlock;
            return this;
        }

        public PredictorSettings build() {
            return new PredictorSettings(enabled, layer, maxPrompts, everyBlock);
        }
    }
}
