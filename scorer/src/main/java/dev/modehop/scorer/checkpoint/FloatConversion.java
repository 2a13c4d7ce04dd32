package dev.modehop.scorer.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;

/** Widening F16/BF16/F32 bytes to float32, into a heap array or a direct buffer DJL can copy from. */
final class FloatConversion {
    private FloatConversion() {
    }

    static int widen(Path file, TensorEntry e, ByteBuffer src, float[] out, int pos, int count) {
        switch (e.dtype()) {
            case F32 -> src.asFloatBuffer().get(out, pos, count);
            case F16 -> {
                ShortBuffer s = src.asShortBuffer();
                for (int i = 0; i < count; i++) {
                    out[pos + i] = HalfFloats.f16ToFloat(s.get(i));
                }
            }
            case BF16 -> {
                ShortBuffer s = src.asShortBuffer();
                for (int i = 0; i < count; i++) {
                    out[pos + i] = HalfFloats.bf16ToFloat(s.get(i));
                }
            }
            default -> throw new CheckpointException(file, "tensor '" + e.name() + "' has dtype " + e.dtype()
                    + ", expected F32, F16 or BF16");
        }
        return count;
    }

    /** F32 slices pass through untouched (a mapped buffer); F16/BF16 are widened into a new direct buffer. */
    static ByteBuffer toFloat32Buffer(Path file, TensorEntry e, ByteBuffer src, int count) {
        if (e.dtype() == TensorDType.F32) {
            return src;
        }
        ByteBuffer out = ByteBuffer.allocateDirect(count * 4).order(ByteOrder.nativeOrder());
        FloatBuffer f = out.asFloatBuffer();
        ShortBuffer s = src.asShortBuffer();
        switch (e.dtype()) {
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    f.put(i, HalfFloats.f16ToFloat(s.get(i)));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    f.put(i, HalfFloats.bf16ToFloat(s.get(i)));
                }
            }
            default -> throw new CheckpointException(file, "tensor '" + e.name() + "' has dtype " + e.dtype()
                    + ", expected F32, F16 or BF16");
        }
        return out;
    }
}
