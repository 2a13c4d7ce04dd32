package dev.modehop.flink;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The dead-letter headers, named as the Kafka Streams job names them (its {@code DeadLetters}); kept here
 * so the job jar does not carry Kafka Streams. The conformance test checks that both engines agree.
 */
public final class DeadLetterHeaders {
    public static final String REASON = "modehop.dlq.reason";
    public static final String SOURCE_TOPIC = "modehop.dlq.topic";
    public static final String SOURCE_PARTITION = "modehop.dlq.partition";
    public static final String SOURCE_OFFSET = "modehop.dlq.offset";

    private DeadLetterHeaders() {
    }

    static Headers add(Headers original, String reason, String topic, int partition, long offset) {
        RecordHeaders h = new RecordHeaders(original.toArray());
        h.add(REASON, bytes(reason));
        h.add(SOURCE_TOPIC, bytes(topic));
        h.add(SOURCE_PARTITION, bytes(Integer.toString(partition)));
        h.add(SOURCE_OFFSET, bytes(Long.toString(offset)));
        return h;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
