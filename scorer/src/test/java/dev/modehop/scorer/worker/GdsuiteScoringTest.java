package dev.modehop.scorer.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.probes.ProbeSuite;
import dev.modehop.scorer.scoring.SuiteScore;
import dev.modehop.scorer.scoring.TaskScore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A GDsuite tree named as {@code gdsuite:DATA_DIR?config=FILE} scored end to end on a real checkpoint folder
 * (a GPT-NeoX model saved by transformers, with its byte-level BPE tokenizer) through the same path as
 * {@code modehop score} and the worker.
 */
class GdsuiteScoringTest {
    private static final Path CHECKPOINT = Path.of("..", "..", "shared", "data", "hf-reference", "neox-parallel-rot25");
    private static final Path GDSUITE = Path.of("..", "probes", "src", "test", "resources", "gdsuite");

    @Test
    void aGdsuiteSuiteScoresPerTaskWithGdsuitesAccounting() {
        Assumptions.assumeTrue(Files.isDirectory(CHECKPOINT), "shared hf-reference checkpoints not on this machine");
        String suite = "gdsuite:" + GDSUITE.resolve("tree") + "?config=" + GDSUITE.resolve("tree-config.yaml");
        CheckpointScoring scoring = new CheckpointScoring(ScorerSettings.builder().device("cpu")
                .predictors(dev.modehop.scorer.predictors.PredictorSettings.off()).build());
        ProbeSuite probes = scoring.suite(suite).restrictedTo(Set.of("repetitive_answer", "successive_answer",
                "truthy_answer", "intuitive_answer"));
        SuiteScore s = scoring.score(CHECKPOINT, probes, p -> { }).score();
        assertEquals("gdsuite", s.suite());
        assertEquals(7, s.tasks().size());
        for (TaskScore t : s.tasks()) {
            long rows = s.rows().stream().filter(r -> r.item().task().equals(t.task())).count();
            long wins = s.rows().stream().filter(r -> r.item().task().equals(t.task()) && r.pGeneralizing() > r.pParrot()).count();
            assertEquals((double) wins / rows, t.hardAccuracy(), 1e-12, t.task() + ": share of (seed, row) pairs won");
            assertEquals(rows, (long) t.items() * t.seedCount(), t.task());
            assertTrue(Double.isFinite(t.logProbMargin()), t.task());
        }
        TaskScore letters = s.tasks().stream().filter(t -> t.task().equals("letters")).findFirst().orElseThrow();
        assertEquals(2, letters.items());
        assertEquals(3, letters.seedCount());
        s.rows().forEach(r -> {
            assertTrue(r.pGeneralizing() > 0 && r.pGeneralizing() < 1, r.item().rowKey());
            assertTrue(r.logPGeneralizing() < 0, r.item().rowKey());
        });
    }
}
