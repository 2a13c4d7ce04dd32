package dev.modehop.scorer.worker;

import dev.modehop.scorer.generation.GenerationOptions;
import dev.modehop.scorer.predictors.PredictorSettings;
import dev.modehop.scorer.scoring.ScoringOptions;

/**
 * How a scorer loads and scores checkpoints.
 *
 * @param device       {@code auto} (GPU when DJL sees one), {@code cpu}, {@code cuda}, {@code cuda:N}
 * @param dtype        compute dtype: {@code float32} or {@code float16}
 * @param defaultSuite suite for events that name none: a built suite's name or a suite folder
 * @param scoring      how the teacher-forced scorer batches and shares work ({@link ScoringOptions})
 * @param predictors   the generalization predictors measured next to the scores (default: on, middle block,
 *                     at most 256 prompts)
 * @param generation   how generative rows are sampled (batch, and an optional sample count replacing the rows')
 */
public record ScorerSettings(String device, String dtype, String defaultSuite, ScoringOptions scoring,
                             PredictorSettings predictors, GenerationOptions generation) {

    public static ScorerSettings defaults() {
        return new ScorerSettings("auto", "float32", "starter-en", ScoringOptions.defaults(),
                PredictorSettings.defaults(), GenerationOptions.defaults());
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
        private String device;
        private String dtype;
        private String defaultSuite;
        private ScoringOptions scoring;
        private PredictorSettings predictors;
        private GenerationOptions generation;

        private Builder(ScorerSettings from) {
            device = from.device;
            dtype = from.dtype;
            defaultSuite = from.defaultSuite;
            scoring = from.scoring;
            predictors = from.predictors;
            generation = from.generation;
        }

        public Builder device(String device) {
            this.device = device;
            return this;
        }

        public Builder dtype(String dtype) {
            this.dtype = dtype;
            return this;
        }

        public Builder defaultSuite(String defaultSuite) {
            this.defaultSuite = defaultSuite;
            return this;
        }

        public Builder scoring(ScoringOptions scoring) {
            this.scoring = scoring;
            return this;
        }

        public Builder predictors(PredictorSettings predictors) {
            this.predictors = predictors;
            return this;
        }

        public Builder generation(GenerationOptions generation) {
            this.generation = generation;
            return this;
        }

        public ScorerSettings build() {
            return new ScorerSettings(device, dtype, defaultSuite, scoring, predictors, generation);
        }
    }
}
