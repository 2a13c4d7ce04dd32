package dev.modehop.step;

/**
 * The step's policies that are not semantics (those are {@code MonitorConfig}).
 *
 * @param idleExpiryMs   a run without input for this long (event time) is deleted; 0 keeps runs forever
 * @param maxOutputBytes an output value larger than this is not produced (its input is dead-lettered): the
 *                       broker's default {@code max.message.bytes} is 1 MiB, headers and key need a little room
 * @param codec          how stored parts are written ({@link PartCodec#binary()} by default; either is read)
 */
public record StepSettings(long idleExpiryMs, int maxOutputBytes, PartCodec codec) {
    public static final long DEFAULT_IDLE_EXPIRY_MS = 14L * 24 * 3600 * 1000;
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 1_000_000;

    public StepSettings {
        if (idleExpiryMs < 0 || maxOutputBytes < 1) {
            throw new IllegalArgumentException("idleExpiryMs must be >= 0 and maxOutputBytes >= 1");
        }
        if (codec == null) {
            codec = PartCodec.binary();
        }
    }

    public static StepSettings defaults() {
        return new StepSettings(DEFAULT_IDLE_EXPIRY_MS, DEFAULT_MAX_OUTPUT_BYTES, PartCodec.binary());
    }

    /** A builder starting from the defaults ({@link #defaults()}). */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from this record's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The record's fields by name, from the values it was made from; {@link #build()} checks them. */
    public static final class Builder {
        private long idleExpiryMs;
        private int maxOutputBytes;
        private PartCodec codec;

        private Builder(StepSettings from) {
            idleExpiryMs = from.idleExpiryMs;
            maxOutputBytes = from.maxOutputBytes;
            codec = from.codec;
        }

        public Builder idleExpiryMs(long idleExpiryMs) {
            this.idleExpiryMs = idleExpiryMs;
            return this;
        }

        public Builder maxOutputBytes(int maxOutputBytes) {
            this.maxOutputBytes = maxOutputBytes;
            return this;
        }

        public Builder codec(PartCodec codec) {
            this.codec = codec;
            return this;
        }

        public StepSettings build() {
            return new StepSettings(idleExpiryMs, maxOutputBytes, codec);
        }
    }
}
