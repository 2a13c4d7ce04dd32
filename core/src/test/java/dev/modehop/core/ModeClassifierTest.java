package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ModeClassifierTest {
    private final ModeClassifier classifier = new ModeClassifier(MonitorConfig.defaults());

    @Test
    void threeModesWithEnoughItems() {
        assertEquals(Mode.GENERALIZING, classifier.classify(0.8, 200));
        assertEquals(Mode.PARROT, classifier.classify(0.2, 200));
        assertEquals(Mode.MIXED, classifier.classify(0.5, 200));
        assertEquals(Mode.MIXED, classifier.classify(0.59, 400));
        assertEquals(Mode.GENERALIZING, classifier.classify(0.6, 400));
        assertEquals(Mode.PARROT, classifier.classify(0.4, 400));
    }

    @Test
    void nearChanceOnFewItemsIsUndecidedNotMixed() {
        // 40 items: a standard error of 0.08, so the band of +-0.1 cannot be told from the poles.
        assertEquals(Mode.UNDECIDED, classifier.classify(0.5, 40));
        assertEquals(Mode.UNDECIDED, classifier.classify(0.62, 40));
        assertEquals(Mode.GENERALIZING, classifier.classify(0.9, 40));
    }

    @Test
    void extraNoiseCanTakeTheEvidenceForMixedAway() {
        double binomialOnly = Math.sqrt(BinomialNoise.chanceVariance(400));
        assertEquals(Mode.MIXED, classifier.classify(0.5, binomialOnly));
        assertEquals(Mode.UNDECIDED, classifier.classify(0.5, Math.sqrt(binomialOnly * binomialOnly + 0.06 * 0.06)));
    }
}
