package dev.modehop.scorer.worker;

import dev.modehop.scorer.checkpoint.CheckpointException;
import dev.modehop.scorer.checkpoint.SafetensorsCheckpoint;
import dev.modehop.scorer.checkpoint.SafetensorsWriter;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.ModelConfig;
import dev.modehop.scorer.predictors.ParameterNorm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The "averaging test" of ARCHITECTURE.md: the element-wise mean of the weights of N checkpoints of one
 * architecture, written as a new checkpoint folder (float32 safetensors, config and tokenizer files copied
 * from the first) that scores like any other. Tensors are read one at a time through the memory-mapped
 * reader; the averaged model is held in memory until written, so the output costs one float32 copy of the
 * model in heap.
 */
public final class CheckpointAverager {
    /** Files besides the weights that a checkpoint folder needs, copied from the first checkpoint. */
    private static final List<String> SIDE_FILES = List.of(CheckpointLoader.CONFIG_FILE, CheckpointLoader.TOKENIZER_FILE,
            "tokenizer_config.json", "special_tokens_map.json", "generation_config.json");

    private CheckpointAverager() {
    }

    /**
     * @throws CheckpointException when a folder cannot be read or its architecture or tensor shapes differ
     *                             from the first's (names the file)
     */
    public static Path average(List<Path> folders, Path out) {
        if (folders.isEmpty()) {
            throw new IllegalArgumentException("nothing to average");
        }
        ModelConfig first = CheckpointLoader.readConfig(folders.get(0));
        Map<String, long[]> shapes = CheckpointLoader.shapes(first);
        for (Path f : folders.subList(1, folders.size())) {
            ModelConfig c = CheckpointLoader.readConfig(f);
            if (!same(shapes, CheckpointLoader.shapes(c)) || !c.architecture().equals(first.architecture())) {
                throw new CheckpointException(f.resolve(CheckpointLoader.CONFIG_FILE),
                        "architecture or shapes differ from " + folders.get(0) + "; only checkpoints of one model average");
            }
        }
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
                    if (!Arrays.equals(c.entry(e.getKey()).shape(), e.getValue())) {
                        throw new CheckpointException(c.source(), "tensor '" + e.getKey() + "' has shape "
                                + Arrays.toString(c.entry(e.getKey()).shape()) + ", expected " + Arrays.toString(e.getValue()));
                    }
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
            for (String name : SIDE_FILES) {
                Path src = folders.get(0).resolve(name);
                if (Files.isRegularFile(src)) {
                    Files.copy(src, out.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the averaged checkpoint to " + out, e);
        } finally {
            opened.forEach(SafetensorsCheckpoint::close);
        }
    }

    /** sqrt of the sum of squares of every weight the architecture uses; see {@link ParameterNorm#of(Path)}. */
    public static double parameterL2Norm(Path folder) {
        return ParameterNorm.of(folder);
    }

    private static boolean same(Map<String, long[]> a, Map<String, long[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        return a.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), b.get(e.getKey())));
    }
}
