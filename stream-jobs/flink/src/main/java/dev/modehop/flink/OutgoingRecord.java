package dev.modehop.flink;

import dev.modehop.step.Outgoing;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/**
 * A record ready for Kafka: topic, key and value already serialized (values by the same serdes as the Kafka
 * Streams job, so both engines write the same bytes). A Flink POJO.
 */
public class OutgoingRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    public String topic;
    public byte[] key;
    public byte[] value;
    public long timestamp;
    public String[] headerKeys = new String[0];
    public byte[][] headerValues = new byte[0][];

    public OutgoingRecord() {
    }

    static OutgoingRecord of(String topic, String key, byte[] value, long timestamp) {
        OutgoingRecord r = new OutgoingRecord();
        r.topic = topic;
        r.key = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        r.value = value;
        r.timestamp = timestamp;
        return r;
    }

    /** A record the monitor step produced, output or dead letter, byte for byte. */
    static OutgoingRecord of(Outgoing o) {
        OutgoingRecord r = of(o.topic(), o.key(), o.value(), o.timestamp());
        if (o.headers() != null) {
            HeaderArrays h = HeaderArrays.of(o.headers());
            r.headerKeys = h.keys;
            r.headerValues = h.values;
        }
        return r;
    }

    public Headers headers() {
        return HeaderArrays.toHeaders(headerKeys, headerValues);
    }

    public String keyString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }
}
