package dev.modehop.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What the notifier did with one alert on one route, as its delivery log ({@code modehop.notify.delivered},
 * compacted, keyed {@code <alertId>|<route>}) records it. The log is JSON written by the notify module; the
 * dashboard reads only the fields it shows and tolerates fields it does not know.
 *
 * @param attempts how many HTTP attempts it took, null when the record does not say
 * @param at       when the outcome was decided, epoch millis
 */
record Delivery(String alertId, String route, String runId, String status, Integer attempts, String detail, long at) {
    static final String TOPIC_SUFFIX = "modehop.notify.delivered";
    private static final ObjectMapper JSON = new ObjectMapper();

    static String topicName(String prefix) {
        return (prefix == null ? "" : prefix) + TOPIC_SUFFIX;
    }

    /** Decodes the delivery log's values; a record without alert id, route or run is not one. */
    static final class Decoder implements Deserializer<Delivery> {
        @Override
        public Delivery deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            JsonNode n;
            try {
                n = JSON.readTree(data);
            } catch (IOException e) {
                throw new UncheckedIOException("not a delivery record: " + e.getMessage(), e);
            }
            String alertId = n.path("alertId").asText("");
            String route = n.path("route").asText("");
            String runId = n.path("runId").asText("");
            if (alertId.isEmpty() || route.isEmpty() || runId.isEmpty()) {
                throw new IllegalArgumentException("delivery record without alertId, route or runId");
            }
            JsonNode attempts = n.path("attempts");
            return new Delivery(alertId, route, runId, n.path("status").asText("unknown"),
                    attempts.isIntegralNumber() ? attempts.asInt() : null,
                    n.hasNonNull("detail") ? n.path("detail").asText() : null, n.path("at").asLong());
        }
    }

    void json(ObjectNode o) {
        o.put("route", route);
        o.put("status", status);
        if (attempts != null) {
            o.put("attempts", attempts);
        }
        if (detail != null) {
            o.put("detail", detail);
        }
        o.put("at", at);
    }
}
