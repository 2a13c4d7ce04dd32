package dev.modehop.flink;

import java.io.Serializable;
import dev.modehop.schemas.DeadLetters;
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

    /**
     * The input, untouched, for its dead-letter topic, with the same headers the Kafka Streams job adds
     * ({@link DeadLetters}).
     */
    static OutgoingRecord deadLetter(InputRecord in, String dlqTopic, String reason) {
        OutgoingRecord r = new OutgoingRecord();
        r.topic = dlqTopic;
        r.key = in.key;
        r.value = in.value;
        r.timestamp = in.timestamp;
        HeaderArrays h = HeaderArrays.of(DeadLetters.headers(in.headers(), reason, in.topic, in.partition, in.offset));
        r.headerKeys = h.keys;
        r.headerValues = h.values;
        return r;
    }

    public Headers headers() {
        return HeaderArrays.toHeaders(headerKeys, headerValues);
    }

    public String keyString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }
}
