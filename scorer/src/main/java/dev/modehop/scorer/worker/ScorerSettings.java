package dev.modehop.scorer.worker;

import dev.modehop.scorer.scoring.ScoringOptions;

/**
 * How a scorer loads and scores checkpoints.
 *
 * @param device       {@code auto} (GPU when DJL sees one), {@code cpu}, {@code cuda}, {@code cuda:N}
 * @param dtype        compute dtype: {@code float32} or {@code float16}
 * @param defaultSuite suite for events that name none: a built suite's name or a suite folder
 */
public record ScorerSettings(String device, String dtype, String defaultSuite, ScoringOptions scoring) {

    public static ScorerSettings defaults() {
        return new ScorerSettings("auto", "float32", "starter-en", ScoringOptions.defaults());
    }

    public ScorerSettings withDevice(String d) {
        return new ScorerSettings(d, dtype, defaultSuite, scoring);
    }

    public ScorerSettings withDefaultSuite(String suite) {
        return new ScorerSettings(device, dtype, suite, scoring);
    }

    public ScorerSettings withScoring(ScoringOptions options) {
        return new ScorerSettings(device, dtype, defaultSuite, options);
    }
}
