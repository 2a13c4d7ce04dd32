package dev.modehop.scorer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modehop.scorer.checkpoint.TensorDType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Right padding never changes earlier positions; results belong to the caller; nothing else is kept. */
class BatchingAndScopeTest {
    @TempDir
    Path tmp;

    @Test
    void rightPaddingLeavesRealPositionsUnchangedForBothArchitectures() throws Exception {
        for (ModelConfig config : new ModelConfig[] {TinyCheckpoints.toyNeox(), TinyCheckpoints.llama(4, 2, false)}) {
            Path dir = TinyCheckpoints.write(tmp.resolve(config.architecture()), config,
                    TinyCheckpoints.randomWeights(config, 11), TensorDType.F32);
            try (LoadedCheckpoint ckpt = CheckpointLoader.load(dir, Device.cpu(), DataType.FLOAT32);
                 NDManager manager = NDManager.newBaseManager(Device.cpu())) {
                long[] a = {1, 2, 3, 4, 5, 6};
                long[] b = {7, 8, 9};
                long[] batch = {1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0};
                float[] alone = ckpt.model().logits(manager, manager.create(b, new Shape(1, 3))).toFloatArray();
                float[] aAlone = ckpt.model().logits(manager, manager.create(a, new Shape(1, 6))).toFloatArray();
                NDArray both = ckpt.model().logits(manager, manager.create(batch, new Shape(2, 6)));
                int v = config.vocabSize();
                float[] all = both.toFloatArray();
                for (int i = 0; i < 3 * v; i++) {
                    assertEquals(alone[i], all[6 * v + i], 1e-5, "padded row, position " + i / v);
                }
                for (int i = 0; i < 6 * v; i++) {
                    assertEquals(aAlone[i], all[i], 1e-5, "full row");
                }
            }
        }
    }

    @Test
    void logitsBelongToTheCallersManagerAndCallsLeaveNoArraysBehind() throws Exception {
        ModelConfig config = TinyCheckpoints.neox(true);
        Path dir = TinyCheckpoints.write(tmp.resolve("m"), config, TinyCheckpoints.randomWeights(config, 5),
                TensorDType.F32);
        try (LoadedCheckpoint ckpt = CheckpointLoader.load(dir, Device.cpu(), DataType.FLOAT32);
             NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            int weightsBefore = ckpt.decoder().weights().manager().getManagedArrays().size();
            NDArray ids = manager.create(new long[] {1, 2, 3}, new Shape(1, 3));
            int before = manager.getManagedArrays().size();
            for (int i = 0; i < 20; i++) {
                NDArray out = ckpt.model().logits(manager, ids);
                assertSame(manager, out.getManager());
                out.close();
            }
            assertEquals(before, manager.getManagedArrays().size(), "arrays left in the caller's manager");
            assertEquals(weightsBefore, ckpt.decoder().weights().manager().getManagedArrays().size(),
                    "arrays left in the weights' manager");
            assertTrue(ids.getManager() == manager);
        }
    }
}
