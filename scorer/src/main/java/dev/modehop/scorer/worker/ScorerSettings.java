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
 * @param predictors   the generalization predictors measured next to the scores (default: on, middle block,
 *                     at most 256 prompts)
 * @param generation   how generative rows are sampled (batch, and an optional sample count replacing the rows')
 */
public record ScorerSettings(String device, String dtype, String defaultSuite, ScoringOptions scoring,
                             PredictorSettings predictors, GenerationOptions generation) {

    /** Default predictors. */
    public ScorerSettings(String device, String dtype, String defaultSuite, ScoringOptions scoring) {
        this(device, dtype, defaultSuite, scoring, PredictorSettings.defaults());
    }

    /** Default generation options. */
    public ScorerSettings(String device, String dtype, String defaultSuite, ScoringOptions scoring,
                          PredictorSettings predictors) {
        this(device, dtype, defaultSuite, scoring, predictors, GenerationOptions.defaults());
    }

    public static ScorerSettings defaults() {
        return new ScorerSettings("auto", "float32", "starter-en", ScoringOptions.defaults(), PredictorSettings.defaults());
    }

    public ScorerSettings withGeneration(GenerationOptions g) {
        return new ScorerSettings(device, dtype, defaultSuite, scoring, predictors, g);
    }

    public ScorerSettings withDevice(String d) {
        return new ScorerSettings(d, dtype, defaultSuite, scoring, predictors, generation);
    }

    public ScorerSettings withDtype(String t) {
        return new ScorerSettings(device, t, defaultSuite, scoring, predictors, generation);
    }

    public ScorerSettings withDefaultSuite(String suite) {
        return new ScorerSettings(device, dtype, suite, scoring, predictors, generation);
    }

    public ScorerSettings withScoring(ScoringOptions options) {
        return new ScorerSettings(device, dtype, defaultSuite, options, predictors, generation);
    }

    public ScorerSettings withPredictors(PredictorSettings p) {
        return new ScorerSettings(device, dtype, defaultSuite, scoring, p, generation);
    }
}
