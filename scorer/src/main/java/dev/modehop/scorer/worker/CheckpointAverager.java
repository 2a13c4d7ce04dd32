package dev.modehop.scorer.worker;

import dev.modehop.scorer.checkpoint.CheckpointException;
import dev.modehop.scorer.checkpoint.SafetensorsCheckpoint;
import dev.modehop.scorer.checkpoint.SafetensorsStream;
import dev.modehop.scorer.checkpoint.TensorEntry;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.ModelConfig;
import dev.modehop.scorer.predictors.ParameterNorm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "averaging test" of ARCHITECTURE.md: the element-wise mean of the weights of N checkpoints of one
 * architecture, written as a new checkpoint folder (float32 safetensors, config and tokenizer files copied
 * from the first) that scores like any other.
 *
 * <p>Streamed: the output's header is known from the architecture's shapes before any weight is read, so
 * each tensor is averaged in pieces of {@link #PIECE} elements (read from every checkpoint, summed in
 * double in checkpoint order, divided, narrowed to float32) and each piece goes to the file as soon as it is
 * computed. The heap holds one piece, never a tensor or the model, whatever N and the model's size
 * ({@code bench}'s {@code averaging} measures it). The values are those of summing whole tensors in double:
 * the same additions in the same order, so the same bits.
 */
public final class CheckpointAverager {
    /** Elements averaged at a time: a 2 MiB double sum, a 1 MiB float piece and a 1 MiB raw read buffer. */
    static final int PIECE = 1 << 18;

    /** Files besides the weights that a checkpoint folder needs, copied from the first checkpoint. */
    private static final List<String> SIDE_FILES = List.of(CheckpointLoader.CONFIG_FILE, CheckpointLoader.TOKENIZER_FILE,
            "tokenizer_config.json", "special_tokens_map.json", "generation_config.json");

    private CheckpointAverager() {
    }

    /**
     * @throws CheckpointException when a folder is gone or cannot be read, or its architecture, tensor shapes
     *                             or dtypes do not fit the first's (names the file); nothing is written then
     */
    public static Path average(List<Path> folders, Path out) {
        return average(folders, out, PIECE);
    }

    /** With pieces of {@code piece} elements: tests take pieces that split tensors at odd places. */
    static Path average(List<Path> folders, Path out, int piece) {
        if (folders.isEmpty()) {
            throw new IllegalArgumentException("nothing to average");
        }
        for (Path f : folders) {
            if (!Files.isDirectory(f)) {
                throw new CheckpointException(f, "checkpoint folder is gone; cannot average "
                        + folders.size() + " checkpoints without it");
            }
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
            List<SafetensorsStream.Tensor> layout = new ArrayList<>();
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                for (SafetensorsCheckpoint c : opened) {
                    TensorEntry entry = c.entry(e.getKey());
                    if (!Arrays.equals(entry.shape(), e.getValue())) {
                        throw new CheckpointException(c.source(), "tensor '" + e.getKey() + "' has shape "
                                + Arrays.toString(entry.shape()) + ", expected " + Arrays.toString(e.getValue()));
                    }
                    if (!entry.dtype().isWeightType()) {
                        throw new CheckpointException(entry.file(), "tensor '" + e.getKey() + "' has dtype "
                                + entry.dtype() + ", expected F32, F16 or BF16");
                    }
                }
                layout.add(new SafetensorsStream.Tensor(e.getKey(), TensorDType.F32, e.getValue()));
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("format", "pt");
            metadata.put("modehop_average_of", String.join(",", folders.stream().map(Path::toString).toList()));
            Files.createDirectories(out);
            try (SafetensorsStream file = SafetensorsStream.create(out.resolve(SafetensorsCheckpoint.SINGLE_FILE),
                    metadata, layout)) {
                double[] sum = new double[piece];
                float[] values = new float[piece];
                // one buffer for every checkpoint's raw piece (F32 is the widest dtype read)
                ByteBuffer raw = ByteBuffer.allocate(piece * Float.BYTES);
                for (SafetensorsStream.Tensor t : layout) {
                    long n = t.elements();
                    for (long start = 0; start < n; start += piece) {
                        int count = (int) Math.min(piece, n - start);
                        Arrays.fill(sum, 0, count, 0.0);
                        for (SafetensorsCheckpoint c : opened) {
                            c.readFloats(t.name(), start, values, 0, count, raw);
                            for (int i = 0; i < count; i++) {
                                sum[i] += values[i];
                            }
                        }
                        for (int i = 0; i < count; i++) {
                            values[i] = (float) (sum[i] / opened.size());
                        }
                        file.write(t.name(), values, 0, count);
                    }
                }
                file.commit();
            }
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
