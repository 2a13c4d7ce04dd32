package dev.modehop.scorer.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.LoadedCheckpoint;
import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.probes.toy.ToyVocabulary;
import dev.modehop.scorer.scoring.HuggingFaceTextTokenizer;
import dev.modehop.scorer.scoring.ItemScore;
import dev.modehop.scorer.scoring.ProgressListener;
import dev.modehop.scorer.scoring.ScoringOptions;
import dev.modehop.scorer.scoring.TaskScore;
import dev.modehop.scorer.scoring.TeacherForcedScorer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The toy suite scored through real loaded GPT-NeoX checkpoints (safetensors + tokenizer.json on disk). */
class ToySuiteEndToEndTest {
    @TempDir
    Path dir;

    private static int label(String token) {
        return ToyVocabulary.tokenId(token) - ToyVocabulary.labelId(0);
    }

    @Test
    void riggedCheckpointScoresToTheValuesItsWeightsImply() throws IOException {
        Path folder = ToyCheckpoints.rigged(dir.resolve("rigged"));
        ProbeSuite suite = ProbeSuite.load("toy");
        CheckpointScoring scoring = new CheckpointScoring(ScorerSettings.builder().device("cpu")
                .scoring(ScoringOptions.builder().batchSize(64).build()).build());
        CheckpointScoring.Result result = scoring.score(folder, suite, ProgressListener.NONE);

        for (TaskScore t : result.score().tasks()) {
            double hard = 0;
            double soft = 0;
            int n = 0;
            for (ProbeItem item : suite.byTask().get(new ProbeSuite.TaskKey(t.family(), t.task()))) {
                int g = label(item.generalizing());
                int p = label(item.parrot());
                hard += g > p ? 1 : 0;
                soft += ToyCheckpoints.riggedLabelProbability(g) - ToyCheckpoints.riggedLabelProbability(p);
                n++;
            }
            assertEquals(512, t.items());
            assertEquals(1, t.seedCount());
            assertEquals(hard / n, t.hardAccuracy(), 1e-12, t.family());
            assertEquals(soft / n, t.softScore(), 1e-5, t.family());
        }
        assertEquals(1024, result.score().sequences(), "one-token answers share one sequence per row");
        assertEquals(1024L * 18, result.score().tokens(), "each input is an 18-token prompt (the answer token is never fed)");
    }

    /** Batched, shared-sequence scoring equals one candidate at a time through the model's own logits. */
    @Test
    void batchedScoresEqualOneSequenceAtATime() throws IOException {
        Path folder = ToyCheckpoints.random(dir.resolve("random"), 5);
        List<ProbeItem> rows = new ArrayList<>();
        List<ProbeItem> all = ProbeSuite.load("toy").items();
        for (int i = 0; i < all.size(); i += 37) {
            rows.add(all.get(i));
        }
        try (LoadedCheckpoint ckpt = CheckpointLoader.load(folder, Device.cpu(), DataType.FLOAT32);
             NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            List<ItemScore> batched = new TeacherForcedScorer(ckpt.model(), new HuggingFaceTextTokenizer(ckpt.tokenizer()),
                    manager, ScoringOptions.builder().batchSize(7).build()).scoreRows(rows, ProgressListener.NONE);
            boolean anyDifferent = false;
            for (int r = 0; r < rows.size(); r++) {
                ProbeItem item = rows.get(r);
                double pGen = single(ckpt, manager, item.prompt(), item.generalizing());
                double pParrot = single(ckpt, manager, item.prompt(), item.parrot());
                assertEquals(pGen, batched.get(r).pGeneralizing(), 1e-5, item.id());
                assertEquals(pParrot, batched.get(r).pParrot(), 1e-5, item.id());
                anyDifferent |= Math.abs(pGen - pParrot) > 1e-4;
            }
            assertFalse(!anyDifferent, "a random model should not give every candidate the same probability");
        }
    }

    /** P(answer | prompt) for a one-token toy answer: softmax of the last prompt position's logits. */
    private static double single(LoadedCheckpoint ckpt, NDManager manager, String prompt, String answer) {
        long[] ids = ToyVocabulary.encode(prompt + " " + answer);
        try (NDManager sub = manager.newSubManager()) {
            NDArray logits = ckpt.model().logits(sub, sub.create(ids, new Shape(1, ids.length)));
            float[] last = logits.get(0, ids.length - 2).toFloatArray();
            double max = Double.NEGATIVE_INFINITY;
            for (float v : last) {
                max = Math.max(max, v);
            }
            double z = 0;
            for (float v : last) {
                z += Math.exp(v - max);
            }
            return Math.exp(last[(int) ids[ids.length - 1]] - max) / z;
        }
    }
}
