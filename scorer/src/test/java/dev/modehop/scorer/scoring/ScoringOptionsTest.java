package dev.modehop.scorer.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScoringOptionsTest {

    @Test
    void theBuilderStartsFromTheDefaults() {
        assertEquals(ScoringOptions.defaults(), ScoringOptions.builder().build());
    }

    /** The booleans and ints sit side by side in the record; the builder must not swap any of them. */
    @Test
    void eachSetterSetsItsOwnField() {
        ScoringOptions expected = new ScoringOptions(3, 500, false, 77, Duration.ofMillis(9), false, 5, true);
        ScoringOptions built = ScoringOptions.builder().batchSize(3).maxBatchTokens(500).shareSingleTokenAnswers(false)
                .maxSequenceLength(77).progressInterval(Duration.ofMillis(9)).prefixSharing(false).minSharedPrefix(5)
                .gdsuiteBos(true).build();
        assertEquals(expected, built);
        assertEquals(expected, expected.toBuilder().build());
    }

    @Test
    void buildRunsTheRecordsChecks() {
        assertThrows(IllegalArgumentException.class, () -> ScoringOptions.builder().batchSize(0).build());
        assertThrows(IllegalArgumentException.class, () -> ScoringOptions.builder().maxSequenceLength(-1).build());
    }
}
