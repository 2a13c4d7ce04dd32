package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.probes.toy.ToyVocabulary;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.model.RandomCheckpoints;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modehop score} on a toy-run-shaped checkpoint with random weights: its options reach the scorer. */
class ScoreCommandLineTest {
    @TempDir
    static Path tmp;
    static Path checkpoint;

    @BeforeAll
    static void write() throws Exception {
        checkpoint = RandomCheckpoints.write(tmp.resolve("checkpoint-100"), RandomCheckpoints.toyRun(), 100, 0.5,
                TensorDType.F32, ToyVocabulary.tokenizerJson());
    }

    @Test
    void scoresWithTheChosenBatchAndPredictorLayer() {
        CommandLineTest.Run r = CommandLineTest.run("score", "--checkpoint", checkpoint.toString(), "--suite", "toy",
                "--batch-size", "4", "--predictor-layer", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("suite toy"), r.out());
        assertTrue(r.out().contains("RankMe") && r.out().contains("(block 0, "), r.out());
    }

    @Test
    void noPredictorsPrintsTheTableAlone() {
        CommandLineTest.Run r = CommandLineTest.run("score", "--checkpoint", checkpoint.toString(), "--suite", "toy",
                "--no-predictors");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("suite toy"), r.out());
        assertFalse(r.out().contains("predictors ("), r.out());
    }

    @Test
    void aBatchOfNothingIsRefusedInOneLine() {
        CommandLineTest.Run r = CommandLineTest.run("score", "--checkpoint", checkpoint.toString(), "--suite", "toy",
                "--batch-size", "0");
        assertEquals(2, r.code());
        assertEquals("modehop: error: --batch-size must be at least 1, got 0 (see 'modehop score --help')", r.err().strip());
    }
}
