package dev.modehop.scorer.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.scorer.checkpoint.CheckpointException;
import dev.modehop.scorer.checkpoint.SafetensorsCheckpoint;
import dev.modehop.scorer.model.GptNeoXModel;
import dev.modehop.scorer.model.ModelConfig;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.probes.toy.ToyVocabulary;
import dev.modehop.scorer.scoring.ProgressListener;
import dev.modehop.scorer.scoring.TaskScore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointAveragerTest {
    @TempDir
    Path dir;

    @Test
    void averageIsTheElementWiseMean() throws IOException {
        Path a = ToyCheckpoints.random(dir.resolve("a"), 1);
        Path b = ToyCheckpoints.random(dir.resolve("b"), 2);
        Path avg = CheckpointAverager.average(List.of(a, b), dir.resolve("avg"));
        try (SafetensorsCheckpoint ca = SafetensorsCheckpoint.open(a); SafetensorsCheckpoint cb = SafetensorsCheckpoint.open(b);
             SafetensorsCheckpoint cm = SafetensorsCheckpoint.open(avg)) {
            float[] x = ca.readFloats(GptNeoXModel.EMBED_OUT);
            float[] y = cb.readFloats(GptNeoXModel.EMBED_OUT);
            float[] m = cm.readFloats(GptNeoXModel.EMBED_OUT);
            for (int i = 0; i < m.length; i++) {
                assertEquals((x[i] + y[i]) / 2, m[i], 1e-6);
            }
        }
        assertTrue(avg.resolve("tokenizer.json").toFile().isFile());
    }

    @Test
    void theStreamedFileIsByteForByteTheBufferedOne() throws IOException {
        List<Path> folders = List.of(ToyCheckpoints.random(dir.resolve("a"), 5), ToyCheckpoints.random(dir.resolve("b"), 6),
                ToyCheckpoints.random(dir.resolve("c"), 7));
        byte[] buffered = Files.readAllBytes(BufferedCheckpointAverager.average(folders, dir.resolve("buffered"))
                .resolve(SafetensorsCheckpoint.SINGLE_FILE));
        // the default piece is larger than every toy tensor; 7 splits each of them at odd places, 1 everywhere
        for (int piece : new int[] {CheckpointAverager.PIECE, 7, 1}) {
            Path streamed = CheckpointAverager.average(folders, dir.resolve("streamed-" + piece), piece);
            assertArrayEquals(buffered, Files.readAllBytes(streamed.resolve(SafetensorsCheckpoint.SINGLE_FILE)),
                    "piece " + piece);
        }
    }

    @Test
    void aMissingFolderIsRefusedByNameBeforeAnythingIsWritten() throws IOException {
        Path a = ToyCheckpoints.random(dir.resolve("a"), 1);
        Path gone = dir.resolve("gone");
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> CheckpointAverager.average(List.of(a, gone), dir.resolve("avg")));
        assertTrue(e.getMessage().contains(gone.toString()) && e.getMessage().contains("gone"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("avg")));
        Path b = ToyCheckpoints.random(dir.resolve("b"), 2);
        Files.delete(b.resolve(SafetensorsCheckpoint.SINGLE_FILE));
        e = assertThrows(CheckpointException.class, () -> CheckpointAverager.average(List.of(a, b), dir.resolve("avg")));
        assertTrue(e.getMessage().contains(SafetensorsCheckpoint.SINGLE_FILE) && e.getMessage().contains("missing"),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("avg").resolve(SafetensorsCheckpoint.SINGLE_FILE)));
    }

    @Test
    void averagingIdenticalCheckpointsChangesNoScore() throws IOException {
        Path a = ToyCheckpoints.rigged(dir.resolve("a"));
        Path b = ToyCheckpoints.rigged(dir.resolve("b"));
        CheckpointScoring scoring = new CheckpointScoring(ScorerSettings.builder().device("cpu").build());
        ProbeSuite suite = ProbeSuite.load("toy");
        List<TaskScore> single = scoring.score(a, suite, ProgressListener.NONE).score().tasks();
        List<TaskScore> averaged = scoring.scoreAverage(List.of(a, b), suite, ProgressListener.NONE).score().tasks();
        for (int i = 0; i < single.size(); i++) {
            assertEquals(single.get(i).hardAccuracy(), averaged.get(i).hardAccuracy(), 1e-12);
            assertEquals(single.get(i).softScore(), averaged.get(i).softScore(), 1e-6);
        }
    }

    @Test
    void differentArchitecturesRefuseToAverage() throws IOException {
        Path a = ToyCheckpoints.random(dir.resolve("a"), 1);
        ModelConfig wider = ModelConfig.gptNeoX(ToyVocabulary.VOCAB_SIZE, 48, 2, 2, 128, 32, 0.0)
                .toBuilder().prevTokenEmbedding(true).learnedPositions(true).build();
        Path b = ToyCheckpoints.write(dir.resolve("b"), wider, ToyCheckpoints.randomWeights(wider, 3));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> CheckpointAverager.average(List.of(a, b), dir.resolve("avg")));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("differ"), e.getMessage());
    }

    @Test
    void parameterNormIsTheRootSumOfSquares() throws IOException {
        ModelConfig config = ToyCheckpoints.config();
        Map<String, float[]> w = ToyCheckpoints.randomWeights(config, 4);
        Path a = ToyCheckpoints.write(dir.resolve("a"), config, w);
        double ss = 0;
        for (float[] t : w.values()) {
            for (float v : t) {
                ss += (double) v * v;
            }
        }
        assertEquals(Math.sqrt(ss), CheckpointAverager.parameterL2Norm(a), 1e-9 * Math.sqrt(ss));
    }
}
