package dev.modehop.scorer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modehop.scorer.checkpoint.TensorDType;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NDArray logits of tiny random models equal the plain-Java reference within 1e-4 relative. */
class ForwardMatchesReferenceTest {
    @TempDir
    Path tmp;

    static final long[][] SEQUENCES = {{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5}, {7, 0, 2}, {12}};

    @Test
    void gptNeoXParallelResidual() throws Exception {
        check(TinyCheckpoints.neox(true), 1);
    }

    @Test
    void gptNeoXSequentialResidual() throws Exception {
        check(TinyCheckpoints.neox(false), 2);
    }

    @Test
    void gptNeoXToyExtrasPrevTokenAndLearnedPositions() throws Exception {
        check(TinyCheckpoints.toyNeox(), 3);
    }

    @Test
    void gptNeoXFullRotary() throws Exception {
        check(ModelConfig.gptNeoX(13, 16, 1, 2, 32, 32, 1.0), 4);
    }

    @Test
    void llamaGroupedQueryAttentionUntied() throws Exception {
        check(TinyCheckpoints.llama(4, 2, false), 5);
    }

    @Test
    void llamaMultiHeadTied() throws Exception {
        check(TinyCheckpoints.llama(2, 2, true), 6);
    }

    private void check(ModelConfig config, long seed) throws Exception {
        Map<String, float[]> weights = TinyCheckpoints.randomWeights(config, seed);
        Path dir = TinyCheckpoints.write(tmp.resolve("m" + seed), config, weights, TensorDType.F32);
        ReferenceForward reference = new ReferenceForward(config, weights);
        try (LoadedCheckpoint ckpt = CheckpointLoader.load(dir, Device.cpu(), DataType.FLOAT32);
             NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            assertEquals(config.architecture(), ckpt.config().architecture());
            for (long[] seq : SEQUENCES) {
                NDArray logits = ckpt.model().logits(manager, manager.create(seq, new Shape(1, seq.length)));
                assertArrayEquals(new long[] {1, seq.length, config.vocabSize()}, logits.getShape().getShape());
                assertEquals(DataType.FLOAT32, logits.getDataType());
                assertClose(reference.logits(seq), logits.toFloatArray(), 1e-4, "sequence of " + seq.length);
            }
        }
    }

    /** Max |a - b| over max |reference|: the relative error of the logit vector. */
    static void assertClose(double[][] expected, float[] actual, double relTol, String what) {
        double maxAbs = 0;
        double maxErr = 0;
        int v = expected[0].length;
        for (int t = 0; t < expected.length; t++) {
            for (int i = 0; i < v; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(expected[t][i]));
                maxErr = Math.max(maxErr, Math.abs(expected[t][i] - actual[t * v + i]));
            }
        }
        assertTrue(maxAbs > 0.1, "degenerate logits");
        assertTrue(maxErr <= relTol * maxAbs, what + ": max error " + maxErr + " vs max |logit| " + maxAbs);
    }
}
