package dev.modehop.scorer.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One safetensors file written tensor by tensor: the header is built from the declared names, dtypes and
 * shapes before any data exists, and each tensor's values are appended as they are produced, in declaration
 * order, in pieces of any size. Only a 1 MiB output buffer lives on the heap, so a file far larger than
 * the heap can be written. The bytes are those {@link SafetensorsWriter} writes for the same tensors (it
 * writes through this class). The file is written under a temporary name and moved into place by
 * {@link #commit()}; {@link #close()} without a commit deletes it, so no reader ever sees half a file.
 */
public final class SafetensorsStream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A tensor of the file, declared before its data. */
    public record Tensor(String name, TensorDType dtype, long[] shape) {
        public Tensor {
            if (!dtype.isWeightType()) {
                throw new IllegalArgumentException("only F32, F16, BF16 can be written: " + dtype);
            }
            shape = shape.clone();
        }

        public long elements() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        long bytes() {
            return elements() * dtype.bytes();
        }
    }

    private final Path file;
    private final Path tmp;
    private final FileChannel channel;
    private final List<Tensor> tensors;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private int current;
    private long writtenOfCurrent;
    private boolean committed;

    private SafetensorsStream(Path file, Path tmp, FileChannel channel, List<Tensor> tensors) {
        this.file = file;
        this.tmp = tmp;
        this.channel = channel;
        this.tensors = tensors;
    }

    /**
     * Creates the temporary file and writes the header.
     *
     * @param metadata the {@code __metadata__} entries, in order (HF writes {@code format: pt} first)
     */
    public static SafetensorsStream create(Path file, Map<String, String> metadata, List<Tensor> tensors) {
        Set<String> names = new HashSet<>();
        for (Tensor t : tensors) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("tensor added twice: " + t.name());
            }
        }
        byte[] header = header(metadata, tensors);
        int padded = (header.length + 7) / 8 * 8;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        FileChannel ch;
        try {
            ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        SafetensorsStream s = new SafetensorsStream(file, tmp, ch, List.copyOf(tensors));
        try {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(header);
            while (head.hasRemaining()) {
                head.put((byte) ' ');
            }
            head.flip();
            s.writeAll(head);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The JSON header: {@code __metadata__} first, then the tensors in order with contiguous offsets. */
    private static byte[] header(Map<String, String> metadata, List<Tensor> tensors) {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        long offset = 0;
        for (Tensor t : tensors) {
            ObjectNode node = header.putObject(t.name());
            node.put("dtype", t.dtype().name());
            var shape = node.putArray("shape");
            for (long d : t.shape) {
                shape.add(d);
            }
            node.putArray("data_offsets").add(offset).add(offset + t.bytes());
            offset += t.bytes();
        }
        try {
            return JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Appends {@code count} values of {@code data} from {@code from} to tensor {@code name}, which must be the
     * one being written or, once that is complete, the next declared one (empty tensors may be skipped); a
     * piece never spans two tensors, so a caller that produces tensors out of order is told at once.
     */
    public void write(String name, float[] data, int from, int count) {
        skipCompleted(name);
        if (current >= tensors.size()) {
            throw new IllegalStateException("every declared tensor is written; '" + name + "' is extra");
        }
        Tensor t = tensors.get(current);
        if (!t.name().equals(name)) {
            throw new IllegalStateException("tensor '" + t.name() + "' comes next, not '" + name + "'");
        }
        if (writtenOfCurrent + count > t.elements()) {
            throw new IllegalArgumentException(name + ": shape holds " + t.elements() + " elements, "
                    + (writtenOfCurrent + count) + " given");
        }
        for (int i = from; i < from + count; i++) {
            if (buf.remaining() < 4) {
                flush();
            }
            float v = data[i];
            switch (t.dtype()) {
                case F32 -> buf.putFloat(v);
                case F16 -> buf.putShort(HalfFloats.floatToF16(v));
                case BF16 -> buf.putShort(HalfFloats.floatToBf16(v));
                default -> throw new IllegalStateException();
            }
        }
        writtenOfCurrent += count;
    }

    /** Appends a whole tensor. */
    public void write(String name, float[] data) {
        write(name, data, 0, data.length);
    }

    /** Checks that every declared tensor was written whole, then moves the file to its name. */
    public void commit() {
        skipCompleted(null);
        if (current < tensors.size()) {
            Tensor t = tensors.get(current);
            throw new IllegalStateException("tensor '" + t.name() + "' has " + writtenOfCurrent + " of its "
                    + t.elements() + " elements; the file is incomplete");
        }
        flush();
        try {
            channel.close();
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + tmp + " to " + file, e);
        }
        committed = true;
    }

    /** Without a commit: abandons the file (the temporary one is deleted). */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            channel.close();
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // an abandoned temporary file is left behind at worst; never under the final name
        }
    }

    /**
     * Moves past the complete tensors (empty ones are complete before anything is written to them), stopping at
     * one named {@code next} so that a piece too many for it is reported against it.
     */
    private void skipCompleted(String next) {
        while (current < tensors.size() && writtenOfCurrent == tensors.get(current).elements()
                && !tensors.get(current).name().equals(next)) {
            current++;
            writtenOfCurrent = 0;
        }
    }

    private void flush() {
        buf.flip();
        writeAll(buf);
        buf.clear();
    }

    private void writeAll(ByteBuffer b) {
        try {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
