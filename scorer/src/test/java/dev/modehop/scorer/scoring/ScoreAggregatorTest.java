package dev.modehop.scorer.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.probes.ProbeItem;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoreAggregatorTest {
    private static ItemScore row(String family, String task, String id, int seed, double pGen, double pParrot) {
        return new ItemScore(new ProbeItem(id, family, task, seed, 4, "p", "g", "q"), pGen, pParrot, 1, 1, false);
    }

    @Test
    void seedsAreAveragedBeforeQuestions() {
        List<ItemScore> rows = List.of(
                // q1: both seeds won, soft 0.5 and 0.3 -> hard 1, soft 0.4
                row("flipped", "s", "q1", 0, 0.8, 0.3), row("flipped", "s", "q1", 1, 0.6, 0.3),
                // q2: one seed of two won -> hard 0.5, soft (0.1 - 0.3) / 2 = -0.1
                row("flipped", "s", "q2", 0, 0.5, 0.4), row("flipped", "s", "q2", 1, 0.2, 0.5),
                // q3: lost -> hard 0, soft -0.6 / -0.2 -> -0.4
                row("flipped", "s", "q3", 0, 0.1, 0.7), row("flipped", "s", "q3", 1, 0.3, 0.5),
                // another task, single seed
                row("truthy", "t", "r1", 0, 0.9, 0.1), row("truthy", "t", "r2", 0, 0.2, 0.1),
                row("truthy", "t", "r3", 0, 0.1, 0.2), row("truthy", "t", "r4", 0, 0.3, 0.2));
        List<TaskScore> tasks = ScoreAggregator.aggregate(rows);
        assertEquals(2, tasks.size());
        TaskScore f = tasks.get(0);
        assertEquals("flipped", f.family());
        assertEquals("s", f.task());
        assertEquals(3, f.items());
        assertEquals(2, f.seedCount());
        assertEquals(6, f.rows());
        assertEquals(0.5, f.hardAccuracy(), 1e-12);
        assertEquals((0.4 - 0.1 - 0.4) / 3, f.softScore(), 1e-12);
        // per-question hard means 1, 0.5, 0: sample sd 0.5, stderr 0.5 / sqrt(3)
        assertEquals(0.5 / Math.sqrt(3), f.stderr(), 1e-12);

        TaskScore t = tasks.get(1);
        assertEquals(4, t.items());
        assertEquals(1, t.seedCount());
        assertEquals(0.75, t.hardAccuracy(), 1e-12);
        assertEquals((0.8 + 0.1 - 0.1 + 0.1) / 4, t.softScore(), 1e-12);
        // hard 1,1,0,1: sd = sqrt(0.75 * 0.25 * 4 / 3) = 0.5, stderr 0.25
        assertEquals(0.25, t.stderr(), 1e-12);
    }

    @Test
    void singleQuestionHasNoStderr() {
        TaskScore t = ScoreAggregator.aggregate(List.of(row("intuitive", "x", "only", 0, 0.4, 0.2))).get(0);
        assertEquals(1.0, t.hardAccuracy());
        assertTrue(Double.isNaN(t.stderr()));
    }
}
