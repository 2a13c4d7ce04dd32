package dev.modehop.scorer.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The weights of one checkpoint folder: {@code model.safetensors}, or the shards listed by
 * {@code model.safetensors.index.json} (its {@code weight_map}). Tensors are loaded into DJL one at a time,
 * straight from the mapped file, widened to float32 in Java first when they are F16/BF16.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    /** Rows of one tensor are handed to DJL in pieces of at most this many bytes (as float32). */
    static final long MAX_PIECE_BYTES = 256L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final Path source;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> byTensor;

    private SafetensorsCheckpoint(Path folder, Path source, List<SafetensorsFile> files,
                                  Map<String, SafetensorsFile> byTensor) {
        this.folder = folder;
        this.source = source;
        this.files = files;
        this.byTensor = byTensor;
    }

    /** Opens the folder's weights; a missing or corrupt file is a {@link CheckpointException} naming it. */
    public static SafetensorsCheckpoint open(Path folder) {
        Path index = folder.resolve(INDEX_FILE);
        Path single = folder.resolve(SINGLE_FILE);
        if (Files.isRegularFile(index)) {
            return openSharded(folder, index);
        }
        if (!Files.isRegularFile(single)) {
            throw new CheckpointException(single, "file is missing (and there is no " + INDEX_FILE + ")");
        }
        SafetensorsFile file = SafetensorsFile.open(single);
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        file.tensors().keySet().forEach(n -> byTensor.put(n, file));
        return new SafetensorsCheckpoint(folder, single, List.of(file), Collections.unmodifiableMap(byTensor));
    }

    private static SafetensorsCheckpoint openSharded(Path folder, Path index) {
        JsonNode weightMap;
        try {
            weightMap = JSON.readTree(index.toFile()).get("weight_map");
        } catch (IOException e) {
            throw new CheckpointException(index, "corrupt index: not JSON", e);
        }
        if (weightMap == null || !weightMap.isObject()) {
            throw new CheckpointException(index, "corrupt index: no weight_map object");
        }
        Map<String, SafetensorsFile> opened = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            var it = weightMap.fields();
            while (it.hasNext()) {
                var e = it.next();
                String shardName = e.getValue().asText();
                Path shardPath = folder.resolve(shardName).normalize();
                if (!shardPath.startsWith(folder.normalize())) {
                    throw new CheckpointException(index, "shard '" + shardName + "' lies outside the folder");
                }
                SafetensorsFile shard = opened.get(shardName);
                if (shard == null) {
                    shard = SafetensorsFile.open(shardPath);
                    opened.put(shardName, shard);
                    files.add(shard);
                }
                if (!shard.tensors().containsKey(e.getKey())) {
                    throw new CheckpointException(shardPath, "has no tensor '" + e.getKey() + "' although "
                            + INDEX_FILE + " says it does");
                }
                byTensor.put(e.getKey(), shard);
            }
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
        return new SafetensorsCheckpoint(folder, index, List.copyOf(files), Collections.unmodifiableMap(byTensor));
    }

    public Path folder() {
        return folder;
    }

    /** {@code model.safetensors} or the index file: the file to name when a tensor is missing. */
    public Path source() {
        return source;
    }

    public Set<String> names() {
        return byTensor.keySet();
    }

    public boolean contains(String name) {
        return byTensor.containsKey(name);
    }

    public TensorEntry entry(String name) {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) {
            throw new CheckpointException(source, "has no tensor '" + name + "'");
        }
        return f.entry(name);
    }

    public float[] readFloats(String name) {
        entry(name);
        return byTensor.get(name).readFloats(name);
    }

    /** A piece of one tensor as float32; see {@link SafetensorsFile#readFloats(String, long, float[], int, int, ByteBuffer)}. */
    public void readFloats(String name, long start, float[] out, int pos, int count, ByteBuffer scratch) {
        entry(name);
        byTensor.get(name).readFloats(name, start, out, pos, count, scratch);
    }

    /**
     * Loads one tensor into {@code manager} as {@code dtype} (FLOAT32 or FLOAT16). Large tensors go through
     * in row pieces of at most {@link #MAX_PIECE_BYTES}, so a tensor over 2 GiB loads too.
     */
    public NDArray load(NDManager manager, String name, DataType dtype) {
        return load(manager, name, dtype, MAX_PIECE_BYTES);
    }

    NDArray load(NDManager manager, String name, DataType dtype, long maxPieceBytes) {
        TensorEntry e = entry(name);
        SafetensorsFile file = byTensor.get(name);
        if (!e.dtype().isWeightType()) {
            throw new CheckpointException(e.file(), "tensor '" + name + "' has dtype " + e.dtype()
                    + ", expected F32, F16 or BF16");
        }
        long[] shape = e.shape();
        long n = e.elementCount();
        long rows = shape.length == 0 ? 1 : shape[0];
        long rowElements = rows == 0 ? 0 : n / rows;
        long rowsPerPiece = Math.max(1, Math.min(rows,
                Math.min(maxPieceBytes, SafetensorsFile.MAX_SLICE_BYTES) / Math.max(1, rowElements * 4)));
        if (rowElements * 4 > SafetensorsFile.MAX_SLICE_BYTES) {
            throw new CheckpointException(e.file(), "tensor '" + name + "' has rows over 1 GiB");
        }
        List<NDArray> pieces = new ArrayList<>();
        try {
            for (long r = 0; r < Math.max(rows, 1); r += rowsPerPiece) {
                long count = Math.min(rowsPerPiece, rows - r);
                long elements = shape.length == 0 ? 1 : count * rowElements;
                ByteBuffer raw = file.map(e, r * rowElements * e.dtype().bytes(), elements * e.dtype().bytes());
                ByteBuffer f32 = FloatConversion.toFloat32Buffer(e.file(), e, raw, (int) elements);
                long[] pieceShape = shape.clone();
                if (pieceShape.length > 0) {
                    pieceShape[0] = count;
                }
                // create() wraps the buffer without copying (torch::from_blob); clone it into torch-owned
                // memory so the tensor never points into a read-only mapping or a GC-managed buffer.
                try (NDArray view = manager.create(f32, new Shape(pieceShape), DataType.FLOAT32)) {
                    pieces.add(view.duplicate());
                }
                if (shape.length == 0) {
                    break;
                }
            }
            NDArray whole;
            if (pieces.size() == 1) {
                whole = pieces.get(0);
            } else {
                whole = NDArrays.concat(new NDList(pieces), 0);
                pieces.forEach(NDArray::close);
            }
            pieces.clear();
            if (dtype != DataType.FLOAT32) {
                NDArray cast = whole.toType(dtype, false);
                whole.close();
                whole = cast;
            }
            whole.setName(name);
            return whole;
        } catch (RuntimeException ex) {
            pieces.forEach(NDArray::close);
            throw ex;
        }
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
