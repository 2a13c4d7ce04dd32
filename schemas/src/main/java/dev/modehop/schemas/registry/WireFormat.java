package dev.modehop.schemas.registry;

/** The Confluent wire format: magic byte 0, the schema id as a big-endian int, then Avro binary. */
final class WireFormat {
    static final byte MAGIC = 0;
    static final int HEADER = 5;

    private WireFormat() {
    }

    static String subject(String topic) {
        return topic + "-value";
    }
}
