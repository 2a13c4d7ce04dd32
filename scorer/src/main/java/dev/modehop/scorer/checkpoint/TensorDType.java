package dev.modehop.scorer.checkpoint;

/** Element types a safetensors header may name. Only the float ones can be turned into model weights. */
public enum TensorDType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int bytes;

    TensorDType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** F32, F16 and BF16: the types the loader converts to float32 weights. */
    public boolean isWeightType() {
        return this == F32 || this == F16 || this == BF16;
    }

    static TensorDType parse(String name) {
        for (TensorDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + name + "'");
    }
}
