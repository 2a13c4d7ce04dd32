package dev.modehop.toyrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.probes.toy.ToyVocabulary;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ToyTaskTest {
    private final ToyVocabulary vocab = ToyVocabulary.standard();
    private final ToyTask task = new ToyTask(vocab);

    @Test
    void sequencesFollowTheThreeKindsOfTheToyRunDesign() {
        ToyTask.Batch b = task.batch(new SplittableRandom(3), 4000, 0.5);
        assertEquals(2000, b.iclRows());
        int icl = 0;
        int misleading = 0;
        int absent = 0;
        for (int row = 0; row < b.size(); row++) {
            int off = row * ToyTask.LENGTH;
            assertEquals(ToyVocabulary.BOS_ID, b.ids()[off]);
            Set<Long> items = new HashSet<>();
            long query = b.ids()[off + ToyTask.LENGTH - 1];
            long contextLabel = -1;
            for (int p = 0; p < ToyTask.PAIRS; p++) {
                long item = b.ids()[off + 1 + 2 * p];
                long label = b.ids()[off + 2 + 2 * p];
                assertTrue(item >= 1 && item <= 64 && label >= 65 && label <= 72);
                assertTrue(items.add(item), "context items are distinct");
                if (item == query) {
                    contextLabel = label;
                }
            }
            long target = b.targets()[row];
            long global = ToyVocabulary.labelId(vocab.globalLabel((int) query - 1));
            if (contextLabel < 0) {
                absent++;
                assertEquals(global, target, "query absent: the memorized label");
                for (int p = 0; p < ToyTask.PAIRS; p++) {
                    long item = b.ids()[off + 1 + 2 * p];
                    assertEquals(ToyVocabulary.labelId(vocab.globalLabel((int) item - 1)), b.ids()[off + 2 + 2 * p]);
                }
            } else if (target == contextLabel) {
                icl++;
            } else {
                misleading++;
                assertEquals(global, target, "misleading: the memorized label");
                assertNotEquals(global, contextLabel, "misleading: the context label is wrong");
            }
        }
        // ICL rows whose random label happens to equal g(xq) are still ICL; misleading rows never copy
        assertEquals(2000, icl);
        assertTrue(Math.abs(misleading - absent) < 200, misleading + " vs " + absent);
    }

    @Test
    void mixtureIsExactPerBatchAndBatchesAreReproducible() {
        assertEquals(58, task.batch(new SplittableRandom(1), 64, 0.9).iclRows());
        assertEquals(6, task.batch(new SplittableRandom(1), 64, 0.1).iclRows());
        assertEquals(java.util.Arrays.hashCode(task.batch(new SplittableRandom(7), 64, 0.5).ids()),
                java.util.Arrays.hashCode(task.batch(new SplittableRandom(7), 64, 0.5).ids()));
    }
}
