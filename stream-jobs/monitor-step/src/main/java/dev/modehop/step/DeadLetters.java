package dev.modehop.step;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead-letter records keep the original key and value bytes untouched (so they can be replayed once fixed)
 * and say why in headers, with the same names from both stream engines and the scorer workers.
 */
public final class DeadLetters {
    public static final String REASON = "modehop.dlq.reason";
    public static final String SOURCE_TOPIC = "modehop.dlq.topic";
    public static final String SOURCE_PARTITION = "modehop.dlq.partition";
    public static final String SOURCE_OFFSET = "modehop.dlq.offset";
    /** The file a scorer could not use. */
    public static final String FILE = "modehop.dlq.file";
    /** The exception class behind the reason, where there was one. */
    public static final String ERROR = "modehop.dlq.error";

    private DeadLetters() {
    }

    public static Headers headers(Headers original, String reason, String topic, int partition, long offset) {
        RecordHeaders h = new RecordHeaders(original == null ? new RecordHeaders().toArray() : original.toArray());
        h.add(REASON, bytes(reason));
        h.add(SOURCE_TOPIC, bytes(topic));
        h.add(SOURCE_PARTITION, bytes(Integer.toString(partition)));
        h.add(SOURCE_OFFSET, bytes(Long.toString(offset)));
        return h;
    }

    public static String reason(Headers headers) {
        var h = headers.lastHeader(REASON);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
