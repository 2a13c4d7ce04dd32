package dev.modehop.scorer.worker;

import dev.modehop.scorer.checkpoint.SafetensorsCheckpoint;
import dev.modehop.scorer.checkpoint.SafetensorsWriter;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.model.CheckpointLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The averager as it was before it streamed, kept as the baseline the streamed one is checked against
 * ({@code CheckpointAveragerTest}: same bytes) and measured against ({@code bench}'s {@code averaging}): whole
 * tensors read onto the heap, summed in a double[] per tensor, and every averaged tensor held by a
 * {@link SafetensorsWriter} until the file is written, so the heap holds the whole averaged model. Weights only
 * (no side files, no checks): the streamed averager validates the same folders first.
 */
public final class BufferedCheckpointAverager {
    private BufferedCheckpointAverager() {
    }

    public static Path average(List<Path> folders, Path out) throws java.io.IOException {
        Map<String, long[]> shapes = CheckpointLoader.shapes(CheckpointLoader.readConfig(folders.get(0)));
        List<SafetensorsCheckpoint> opened = new ArrayList<>();
        try {
            for (Path f : folders) {
                opened.add(SafetensorsCheckpoint.open(f));
            }
            SafetensorsWriter writer = new SafetensorsWriter();
            writer.metadata("modehop_average_of", String.join(",", folders.stream().map(Path::toString).toList()));
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                double[] sum = null;
                for (SafetensorsCheckpoint c : opened) {
                    float[] v = c.readFloats(e.getKey());
                    if (sum == null) {
                        sum = new double[v.length];
                    }
                    for (int i = 0; i < v.length; i++) {
                        sum[i] += v[i];
                    }
                }
                float[] mean = new float[sum.length];
                for (int i = 0; i < sum.length; i++) {
                    mean[i] = (float) (sum[i] / opened.size());
                }
                writer.add(e.getKey(), TensorDType.F32, e.getValue(), mean);
            }
            Files.createDirectories(out);
            writer.write(out.resolve(SafetensorsCheckpoint.SINGLE_FILE));
            return out;
        } finally {
            opened.forEach(SafetensorsCheckpoint::close);
        }
    }
}
