package dev.modehop.scorer.checkpoint;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One tensor of a safetensors file: where its bytes lie.
 *
 * @param begin absolute byte offset in {@code file} (header already skipped)
 */
public record TensorEntry(String name, TensorDType dtype, long[] shape, Path file, long begin, long byteLength) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public long[] shape() {
        return shape.clone();
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " in " + file.getFileName();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry t && t.name.equals(name) && t.dtype == dtype && Arrays.equals(t.shape, shape)
                && t.file.equals(file) && t.begin == begin && t.byteLength == byteLength;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }
}
