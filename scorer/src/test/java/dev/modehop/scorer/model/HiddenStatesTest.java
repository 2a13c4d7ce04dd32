package dev.modehop.scorer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

/**
 * The forward stopped at a layer: each block's output and the post-final-norm states equal the plain-Java
 * reference, for GPT-NeoX and LLaMA; pooling averages exactly the real tokens, whatever the padding.
 */
class HiddenStatesTest {
    @TempDir
    Path tmp;

    @Test
    void everyDepthMatchesTheReferenceForBothArchitectures() throws Exception {
        ModelConfig[] configs = {TinyCheckpoints.neox(true), TinyCheckpoints.neox(false), TinyCheckpoints.toyNeox(),
            TinyCheckpoints.llama(4, 2, false)};
        long seed = 20;
        for (ModelConfig config : configs) {
            Map<String, float[]> weights = TinyCheckpoints.randomWeights(config, seed);
            Path dir = TinyCheckpoints.write(tmp.resolve("m" + seed++), config, weights, TensorDType.F32);
            ReferenceForward reference = new ReferenceForward(config, weights);
            long[] seq = {3, 1, 4, 1, 5, 9, 2};
            try (LoadedCheckpoint ckpt = CheckpointLoader.load(dir, Device.cpu(), DataType.FLOAT32);
                 NDManager manager = NDManager.newBaseManager(Device.cpu())) {
                for (int layer = -1; layer < config.numLayers(); layer++) {
                    NDArray ids = manager.create(seq, new Shape(1, seq.length));
                    NDArray hidden = ckpt.decoder().forward(ids, layer);
                    assertArrayEquals(new long[] {1, seq.length, config.hiddenSize()}, hidden.getShape().getShape());
                    ForwardMatchesReferenceTest.assertClose(reference.hiddenStates(seq, layer), hidden.toFloatArray(),
                            1e-4, config.architecture() + " layer " + layer);
                }
            }
        }
    }

    @Test
    void everyBlockFromOnePassEqualsEachBlockAlone() throws Exception {
        for (ModelConfig config : new ModelConfig[] {TinyCheckpoints.toyNeox(), TinyCheckpoints.llama(4, 2, true)}) {
            Map<String, float[]> weights = TinyCheckpoints.randomWeights(config, 43);
            Path dir = TinyCheckpoints.write(tmp.resolve("every-" + config.architecture()), config, weights, TensorDType.F32);
            long[] batch = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 11, 11};
            int[] lengths = {6, 3};
            try (LoadedCheckpoint ckpt = CheckpointLoader.load(dir, Device.cpu(), DataType.FLOAT32);
                 NDManager manager = NDManager.newBaseManager(Device.cpu())) {
                NDArray[] every = ckpt.decoder().pooledHiddenStatesEveryBlock(manager,
                        manager.create(batch, new Shape(2, 6)), lengths);
                assertEquals(config.numLayers(), every.length);
                for (int layer = 0; layer < config.numLayers(); layer++) {
                    NDArray alone = ckpt.decoder().pooledHiddenStates(manager, manager.create(batch, new Shape(2, 6)),
                            lengths, layer);
                    assertSame(manager, every[layer].getManager());
                    assertArrayEquals(alone.toFloatArray(), every[layer].toFloatArray(), 1e-6f,
                            config.architecture() + " block " + layer);
                }
            }
        }
    }

    @Test
    void pooledStatesAreTheMeanOverRealTokensWhateverThePadding() throws Exception {
        for (ModelConfig config : new ModelConfig[] {TinyCheckpoints.toyNeox(), TinyCheckpoints.llama(4, 2, true)}) {
            Map<String, float[]> weights = TinyCheckpoints.randomWeights(config, 31);
            Path dir = TinyCheckpoints.write(tmp.resolve(config.architecture()), config, weights, TensorDType.F32);
            ReferenceForward reference = new ReferenceForward(config, weights);
            long[] a = {1, 2, 3, 4, 5, 6};
            long[] b = {7, 8, 9};
            long[] batch = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 11, 11};
            int layer = 1;
            try (LoadedCheckpoint ckpt = CheckpointLoader.load(dir, Device.cpu(), DataType.FLOAT32);
                 NDManager manager = NDManager.newBaseManager(Device.cpu())) {
                NDArray pooled = ckpt.decoder().pooledHiddenStates(manager, manager.create(batch, new Shape(2, 6)),
                        new int[] {6, 3}, layer);
                int d = config.hiddenSize();
                assertArrayEquals(new long[] {2, d}, pooled.getShape().getShape());
                assertSame(manager, pooled.getManager());
                float[] got = pooled.toFloatArray();
                double[][] expected = {mean(reference.hiddenStates(a, layer)), mean(reference.hiddenStates(b, layer))};
                double scale = 0;
                for (double[] row : expected) {
                    for (double v : row) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                }
                for (int r = 0; r < 2; r++) {
                    for (int k = 0; k < d; k++) {
                        assertEquals(expected[r][k], got[r * d + k], 1e-4 * scale, "row " + r + " dim " + k);
                    }
                }
            }
        }
    }

    @Test
    void unknownLayersAreRefusedAndCallsLeaveNoArraysBehind() throws Exception {
        ModelConfig config = TinyCheckpoints.neox(true);
        Path dir = TinyCheckpoints.write(tmp.resolve("m"), config, TinyCheckpoints.randomWeights(config, 5),
                TensorDType.F32);
        try (LoadedCheckpoint ckpt = CheckpointLoader.load(dir, Device.cpu(), DataType.FLOAT32);
             NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray ids = manager.create(new long[] {1, 2, 3}, new Shape(1, 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ckpt.decoder().pooledHiddenStates(manager, ids, new int[] {3}, config.numLayers()));
            assertTrue(e.getMessage().contains("layer 2 does not exist"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> ckpt.decoder().pooledHiddenStates(manager, ids, new int[] {3}, -2));
            assertThrows(IllegalArgumentException.class,
                    () -> ckpt.decoder().pooledHiddenStates(manager, ids, new int[] {4}, 0));
            int before = manager.getManagedArrays().size();
            int weightsBefore = ckpt.decoder().weights().manager().getManagedArrays().size();
            for (int i = 0; i < 10; i++) {
                ckpt.decoder().pooledHiddenStates(manager, ids, new int[] {2}, 0).close();
            }
            assertEquals(before, manager.getManagedArrays().size(), "arrays left in the caller's manager");
            assertEquals(weightsBefore, ckpt.decoder().weights().manager().getManagedArrays().size());
        }
    }

    private static double[] mean(double[][] states) {
        double[] m = new double[states[0].length];
        for (double[] row : states) {
            for (int k = 0; k < m.length; k++) {
                m[k] += row[k] / states.length;
            }
        }
        return m;
    }
}
