package dev.modehop.step;

import dev.modehop.core.Output;
import org.apache.kafka.common.header.Headers;

/**
 * A record ready for Kafka: topic, key and value bytes, timestamp and headers (null for none). Both engines
 * write exactly these bytes, so their outputs are the same by construction. {@code output} is the monitor
 * output behind it (for metrics), null for a dead letter.
 */
public record Outgoing(String topic, String key, byte[] value, long timestamp, Headers headers, Output output) {

    public boolean isDeadLetter() {
        return topic.endsWith(".dlq");
    }
}
