package dev.modehop.scorer.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.LoadedCheckpoint;
import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.probes.gdsuite.GdsuiteSuites;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rows longer than the model's context, on the self-made GDsuite tree and a real checkpoint and tokenizer: with
 * and without prefix sharing the same rows are refused and counted per task, the rest score as they would
 * alone, a task with no row left is not scored, and a suite with no row left is an error.
 */
class ContextOverflowTest {
    private static final Path GDSUITE = Path.of("..", "probes", "src", "test", "resources", "gdsuite");
    private static final Path FIXTURE = Path.of("src", "test", "resources", "reference-fixtures", "neox-parallel-rot25");

    @Test
    void sameRowsRefusedOnBothPathsAndTheRestScoreAsAlone() throws Exception {
        ProbeSuite tree = GdsuiteSuites.load("gdsuite:" + GDSUITE.resolve("tree") + "?config="
                + GDSUITE.resolve("tree-config.yaml"));
        try (LoadedCheckpoint c = CheckpointLoader.load(FIXTURE, Device.cpu(), DataType.FLOAT32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TextTokenizer tokenizer = new HuggingFaceTextTokenizer(c.tokenizer());
            // the median input: about half the rows are refused, in tasks of every strategy
            List<Integer> lengths = new ArrayList<>();
            Map<String, int[]> expected = new LinkedHashMap<>();
            List<Integer> inputs = new ArrayList<>();
            for (ProbeItem i : tree.items()) {
                int n = Math.max(tokenizer.encode(i.prompt() + " " + i.generalizing()).length,
                        tokenizer.encode(i.prompt() + " " + i.parrot()).length) - 1;
                inputs.add(n);
                lengths.add(n);
            }
            lengths.sort(null);
            int limit = lengths.get(lengths.size() / 2);
            List<ProbeItem> fitting = new ArrayList<>();
            for (int r = 0; r < tree.items().size(); r++) {
                ProbeItem i = tree.items().get(r);
                int[] e = expected.computeIfAbsent(i.family() + "/" + i.task(), k -> new int[3]);
                e[1]++;
                if (inputs.get(r) > limit) {
                    e[0]++;
                    e[2] = Math.max(e[2], inputs.get(r));
                } else {
                    fitting.add(i);
                }
            }
            ScoringOptions base = ScoringOptions.builder().batchSize(8).maxSequenceLength(limit).build();
            SuiteScore whole = new TeacherForcedScorer(c.model(), tokenizer, m,
                    base.toBuilder().prefixSharing(false).build())
                    .score(tree, ProgressListener.NONE);
            SuiteScore shared = new TeacherForcedScorer(c.model(), tokenizer, m,
                    base.toBuilder().minSharedPrefix(1).build())
                    .score(tree, ProgressListener.NONE);
            assertEquals(whole.overflows(), shared.overflows());
            assertFalse(whole.overflows().isEmpty());
            for (ContextOverflow o : whole.overflows()) {
                int[] e = expected.get(o.family() + "/" + o.task());
                assertEquals(e[0], o.rows(), o.describe());
                assertEquals(e[1], o.taskRows(), o.describe());
                assertEquals(e[2], o.longest(), o.describe());
                assertEquals(limit, o.limit());
                assertTrue(o.describe().startsWith(o.family() + "/" + o.task() + ": "), o.describe());
            }
            assertEquals(expected.values().stream().filter(e -> e[0] > 0).count(), whole.overflows().size());
            // a task with no row left has no score; the others are scored on the rows that fit
            for (ContextOverflow o : whole.overflows()) {
                boolean scored = whole.tasks().stream().anyMatch(t -> t.family().equals(o.family()) && t.task().equals(o.task()));
                assertEquals(!o.whole(), scored, o.describe());
            }
            List<ItemScore> alone = new TeacherForcedScorer(c.model(), tokenizer, m,
                    base.toBuilder().prefixSharing(false).maxSequenceLength(0).build())
                    .scoreRows(fitting, ProgressListener.NONE);
            assertEquals(fitting.size(), whole.rows().size());
            assertEquals(fitting.size(), shared.rows().size());
            for (int r = 0; r < fitting.size(); r++) {
                assertEquals(alone.get(r).item(), whole.rows().get(r).item());
                assertEquals(alone.get(r).pGeneralizing(), whole.rows().get(r).pGeneralizing(), 1e-6);
                assertEquals(alone.get(r).pGeneralizing(), shared.rows().get(r).pGeneralizing(), 1e-4);
                assertEquals(alone.get(r).pParrot(), shared.rows().get(r).pParrot(), 1e-4);
            }

            int shortest = lengths.get(0);
            var e = assertThrows(IllegalArgumentException.class, () -> new TeacherForcedScorer(c.model(), tokenizer, m,
                    base.toBuilder().maxSequenceLength(shortest - 1).build()).score(tree, ProgressListener.NONE));
            assertTrue(e.getMessage().contains("no row of suite") && e.getMessage().contains("refused"), e.getMessage());
        }
    }
}
