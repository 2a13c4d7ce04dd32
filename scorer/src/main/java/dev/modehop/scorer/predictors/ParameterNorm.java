package dev.modehop.scorer.predictors;

import dev.modehop.scorer.checkpoint.SafetensorsCheckpoint;
import dev.modehop.scorer.model.CheckpointLoader;
import java.nio.file.Path;
import java.util.Map;

/** The L2 norm of a checkpoint's weights, read tensor by tensor through the memory-mapped reader. */
public final class ParameterNorm {
    private ParameterNorm() {
    }

    /**
     * sqrt of the sum of squares of every weight the architecture uses (tensors the config does not name, such
     * as cached attention masks, are left out), accumulated in double from the stored values.
     */
    public static double of(Path folder) {
        Map<String, long[]> shapes = CheckpointLoader.shapes(CheckpointLoader.readConfig(folder));
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(folder)) {
            double ss = 0;
            for (String name : shapes.keySet()) {
                for (float v : c.readFloats(name)) {
                    ss += (double) v * v;
                }
            }
            return Math.sqrt(ss);
        }
    }
}
