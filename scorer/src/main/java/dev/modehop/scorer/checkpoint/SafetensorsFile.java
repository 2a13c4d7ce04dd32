package dev.modehop.scorer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A memory-mapped safetensors file: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw data.
 *
 * <p>Nothing is read into the Java heap up front: the header is parsed, and each tensor's bytes are mapped
 * on demand in slices below 2 GiB (a {@link ByteBuffer} cannot address more), so files and tensors of any
 * size work. Every problem with the file is a {@link CheckpointException} naming it.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Upper bound on a sane header; a corrupt length must not make us allocate gigabytes. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    /** Largest slice mapped at once; a multiple of every element size. */
    static final int MAX_SLICE_BYTES = 1 << 30;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;
    private final Map<String, TensorEntry> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, Map<String, TensorEntry> tensors,
                            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(path, "file is missing");
        } catch (IOException e) {
            throw new CheckpointException(path, "cannot open", e);
        }
        try {
            long size = channel.size();
            if (size < 8) {
                throw new CheckpointException(path, "truncated: " + size + " bytes, not even a header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
                throw new CheckpointException(path, "corrupt or truncated header: header length " + headerLen
                        + " but the file has " + size + " bytes");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(channel, headerBuf, 8);
            String headerText = new String(headerBuf.array(), StandardCharsets.UTF_8);
            JsonNode header;
            try {
                header = JSON.readTree(headerText);
            } catch (IOException e) {
                throw new CheckpointException(path, "corrupt header: not JSON", e);
            }
            if (header == null || !header.isObject()) {
                throw new CheckpointException(path, "corrupt header: not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataSize = size - dataStart;
            Map<String, TensorEntry> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if ("__metadata__".equals(f.getKey())) {
                    f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(f.getKey(), parseEntry(path, f.getKey(), f.getValue(), dataStart, dataSize));
            }
            return new SafetensorsFile(path, channel, Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new CheckpointException(path, "cannot read", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static TensorEntry parseEntry(Path path, String name, JsonNode node, long dataStart, long dataSize) {
        JsonNode dtypeNode = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtypeNode == null || shapeNode == null || !shapeNode.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new CheckpointException(path, "corrupt header entry for tensor '" + name + "'");
        }
        TensorDType dtype;
        try {
            dtype = TensorDType.parse(dtypeNode.asText());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, "tensor '" + name + "': " + e.getMessage());
        }
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new CheckpointException(path, "tensor '" + name + "' has a negative dimension");
            }
            count = Math.multiplyExact(count, shape[i]);
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end - begin != count * dtype.bytes()) {
            throw new CheckpointException(path, "tensor '" + name + "': data_offsets [" + begin + ", " + end
                    + ") do not fit " + count + " elements of " + dtype);
        }
        if (end > dataSize) {
            throw new CheckpointException(path, "truncated: tensor '" + name + "' ends at byte " + end
                    + " of the data section but only " + dataSize + " bytes are present");
        }
        return new TensorEntry(name, dtype, shape, path, dataStart + begin, end - begin);
    }

    public Path path() {
        return path;
    }

    /** Tensors in header order. */
    public Map<String, TensorEntry> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public TensorEntry entry(String name) {
        TensorEntry e = tensors.get(name);
        if (e == null) {
            throw new CheckpointException(path, "has no tensor '" + name + "'");
        }
        return e;
    }

    /**
     * Maps {@code byteLength} bytes of a tensor starting {@code offset} bytes into it (little-endian). The
     * caller keeps slices below {@link #MAX_SLICE_BYTES}.
     */
    ByteBuffer map(TensorEntry entry, long offset, long byteLength) {
        if (byteLength > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("slice over 2 GiB");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, entry.begin() + offset, byteLength)
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new CheckpointException(path, "cannot map tensor '" + entry.name() + "'", e);
        }
    }

    /** The whole tensor widened to float32 on the heap: for tests and small tensors (large ones are read in pieces, below). */
    public float[] readFloats(String name) {
        TensorEntry e = entry(name);
        long n = e.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(path, "tensor '" + name + "' is too large for a Java array");
        }
        float[] out = new float[(int) n];
        int pos = 0;
        long elementsPerSlice = MAX_SLICE_BYTES / e.dtype().bytes();
        for (long start = 0; start < n; start += elementsPerSlice) {
            long count = Math.min(elementsPerSlice, n - start);
            ByteBuffer slice = map(e, start * e.dtype().bytes(), count * e.dtype().bytes());
            pos += FloatConversion.widen(path, e, slice, out, pos, (int) count);
        }
        return out;
    }

    /**
     * {@code count} values of a tensor from element {@code start} on, widened to float32 into {@code out} from
     * {@code pos}. Read with a positional read, not mapped: a caller that walks a large tensor in small pieces
     * holds one piece at a time and leaves no mappings behind for the collector to release. The raw bytes go
     * through {@code scratch} when it is large enough (a caller reading many pieces passes one buffer for all of
     * them), else through a buffer allocated for the call.
     */
    public void readFloats(String name, long start, float[] out, int pos, int count, ByteBuffer scratch) {
        TensorEntry e = entry(name);
        if (start < 0 || count < 0 || start + count > e.elementCount()) {
            throw new IndexOutOfBoundsException(name + ": elements [" + start + ", " + (start + count) + ") of "
                    + e.elementCount());
        }
        int bytes = count * e.dtype().bytes();
        ByteBuffer raw = scratch != null && scratch.capacity() >= bytes ? scratch.clear().limit(bytes)
                : ByteBuffer.allocate(bytes);
        raw.order(ByteOrder.LITTLE_ENDIAN);
        try {
            long position = e.begin() + start * e.dtype().bytes();
            while (raw.hasRemaining()) {
                int r = channel.read(raw, position + raw.position());
                if (r < 0) {
                    throw new CheckpointException(path, "truncated while reading tensor '" + name + "'");
                }
            }
        } catch (IOException ex) {
            throw new CheckpointException(path, "cannot read tensor '" + name + "'", ex);
        }
        raw.flip();
        FloatConversion.widen(path, e, raw, out, pos, count);
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                break;
            }
            pos += r;
        }
        buf.flip();
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // read-only channel: nothing to flush
        }
    }

    static boolean exists(Path p) {
        return Files.isRegularFile(p);
    }
}
