package dev.modehop.flink;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/**
 * One input record as it came off Kafka (raw key, value and headers, so that a dead letter can keep the
 * original bytes) plus what {@link InputDecoder} learned from it: the run it belongs to, its event time,
 * or why it cannot be processed. A Flink POJO: public fields and a no-argument constructor.
 */
public class InputRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    public String topic;
    public int partition;
    public long offset;
    /** The Kafka record timestamp; output records carry it, as in the Kafka Streams job. */
    public long timestamp;
    public byte[] key;
    public byte[] value;
    public String[] headerKeys = new String[0];
    public byte[][] headerValues = new byte[0][];

    /** The run id from the value; null when {@link #problem} is set. */
    public String runId;
    /** Producer time (producedAt, else the record timestamp): the watermarks run on it. */
    public long eventTime;
    /** Why the record goes to its dead-letter topic before reaching the monitor; null for usable records. */
    public String problem;

    public InputRecord() {
    }

    public static InputRecord raw(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                                  Headers headers) {
        InputRecord r = new InputRecord();
        r.topic = topic;
        r.partition = partition;
        r.offset = offset;
        r.timestamp = timestamp;
        r.key = key;
        r.value = value;
        HeaderArrays h = HeaderArrays.of(headers);
        r.headerKeys = h.keys;
        r.headerValues = h.values;
        return r;
    }

    public Headers headers() {
        return HeaderArrays.toHeaders(headerKeys, headerValues);
    }

    /** The key as the Kafka Streams job reads it (a UTF-8 string), or null. */
    public String keyString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** What the stream is partitioned by: the run, or for records without one their Kafka key. */
    public String routingKey() {
        if (runId != null) {
            return runId;
        }
        String k = keyString();
        return k == null ? "" : k;
    }
}
