package dev.modehop.scorer.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files as HF does (header padded with spaces to 8 bytes, tensors in the order added,
 * {@code __metadata__ {"format": "pt"}}), as F32, F16 or BF16. Used by the toy run to save checkpoints and
 * by tests to build models. Files are written to a temporary name and moved into place, so a watcher
 * never sees half a file under the final name. Every tensor is held on the heap until written; a file that
 * should not be, such as an averaged model, is written with {@link SafetensorsStream}.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Pending(String name, TensorDType dtype, long[] shape, float[] data) {
        long bytes() {
            return (long) data.length * dtype.bytes();
        }
    }

    private final List<Pending> tensors = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter() {
        metadata.put("format", "pt");
    }

    /** Adds a tensor stored as {@code dtype}; {@code data} is row-major float32 (narrowed when written). */
    public SafetensorsWriter add(String name, TensorDType dtype, long[] shape, float[] data) {
        if (!dtype.isWeightType()) {
            throw new IllegalArgumentException("only F32, F16, BF16 can be written: " + dtype);
        }
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": shape holds " + n + " elements, data has " + data.length);
        }
        for (Pending p : tensors) {
            if (p.name.equals(name)) {
                throw new IllegalArgumentException("tensor added twice: " + name);
            }
        }
        tensors.add(new Pending(name, dtype, shape.clone(), data));
        return this;
    }

    /** Adds a DJL array (copied to the heap now), converted to float32 first if needed. */
    public SafetensorsWriter add(String name, TensorDType dtype, NDArray array) {
        NDArray f = array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
        try {
            return add(name, dtype, array.getShape().getShape(), f.toFloatArray());
        } finally {
            if (f != array) {
                f.close();
            }
        }
    }

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Writes one file. */
    public void write(Path file) {
        writeFile(file, tensors);
    }

    /**
     * Writes shards of at most {@code maxShardBytes} (a tensor is never split) named like HF's
     * {@code model-00001-of-00002.safetensors}, plus {@code model.safetensors.index.json}.
     */
    public void writeSharded(Path folder, long maxShardBytes) {
        List<List<Pending>> shards = new ArrayList<>();
        List<Pending> current = new ArrayList<>();
        long size = 0;
        for (Pending p : tensors) {
            if (!current.isEmpty() && size + p.bytes() > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(p);
            size += p.bytes();
        }
        if (!current.isEmpty()) {
            shards.add(current);
        }
        ObjectNode index = JSON.createObjectNode();
        long total = tensors.stream().mapToLong(Pending::bytes).sum();
        index.putObject("metadata").put("total_size", total);
        ObjectNode weightMap = index.putObject("weight_map");
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            writeFile(folder.resolve(name), shards.get(i));
            for (Pending p : shards.get(i)) {
                weightMap.put(p.name, name);
            }
        }
        try {
            writeAtomically(folder.resolve(SafetensorsCheckpoint.INDEX_FILE),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeFile(Path file, List<Pending> list) {
        try (SafetensorsStream out = SafetensorsStream.create(file, metadata,
                list.stream().map(p -> new SafetensorsStream.Tensor(p.name, p.dtype, p.shape)).toList())) {
            for (Pending p : list) {
                out.write(p.name, p.data);
            }
            out.commit();
        }
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        moveIntoPlace(tmp, file);
    }

    private static void moveIntoPlace(Path tmp, Path file) {
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + tmp + " to " + file, e);
        }
    }
}
