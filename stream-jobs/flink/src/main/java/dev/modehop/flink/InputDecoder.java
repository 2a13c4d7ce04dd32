package dev.modehop.flink;

import dev.modehop.events.CheckpointReady;
import dev.modehop.events.DataWindow;
import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads an input record's value with the topic's serde and decides where it goes, with the same checks
 * and reasons as the Kafka Streams job: a null value, an undecodable value, a value without run id, or a
 * key other than the run id send the record to its dead-letter topic. Serializable: each Flink subtask
 * builds its own serdes from the prefix and settings on first use.
 */
public final class InputDecoder implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String prefix;
    private final HashMap<String, String> serdeConfig;
    private transient Topics topics;

    public InputDecoder(String prefix, Map<String, String> serdeConfig) {
        this.prefix = prefix == null ? "" : prefix;
        this.serdeConfig = new HashMap<>(serdeConfig);
    }

    public Topics topics() {
        if (topics == null) {
            topics = Topics.create(prefix, serdeConfig);
        }
        return topics;
    }

    /** Fills in the run id and event time of {@code r}, or its problem; returns {@code r}. */
    public InputRecord classify(InputRecord r) {
        r.eventTime = r.timestamp;
        Topic<?> source = source(r.topic);
        if (source == null) {
            r.problem = "not a modehop input topic: " + r.topic;
            return r;
        }
        if (r.value == null) {
            r.problem = "null value";
            return r;
        }
        Object value;
        try {
            value = source.valueSerde().deserializer().deserialize(r.topic, r.headers(), r.value);
        } catch (RuntimeException e) {
            r.problem = "undecodable: " + e.getMessage();
            return r;
        }
        String runId = runIdOf(value);
        if (runId == null || runId.isBlank()) {
            r.problem = "record has no runId";
            return r;
        }
        String key = r.keyString();
        if (key != null && !key.equals(runId)) {
            r.problem = "key '" + key + "' differs from runId '" + runId + "' (records must be keyed by run id)";
            return r;
        }
        r.runId = runId;
        long producedAt = producedAtOf(value);
        r.eventTime = producedAt > 0 ? producedAt : r.timestamp;
        return r;
    }

    /** The value of a record that {@link #classify} accepted. */
    public Object value(InputRecord r) {
        return source(r.topic).valueSerde().deserializer().deserialize(r.topic, r.headers(), r.value);
    }

    /** The dead-letter topic of the record's topic. */
    public String dlqOf(InputRecord r) {
        return r.topic + ".dlq";
    }

    private Topic<?> source(String topic) {
        for (Topic<?> t : topics().inputs()) {
            if (t.name().equals(topic)) {
                return t;
            }
        }
        return null;
    }

    private static String runIdOf(Object value) {
        if (value instanceof CheckpointReady r) {
            return r.getRunId();
        }
        if (value instanceof DataWindow w) {
            return w.getRunId();
        }
        return ((ProbeScore) value).getRunId();
    }

    private static long producedAtOf(Object value) {
        if (value instanceof CheckpointReady r) {
            return r.getProducedAt();
        }
        if (value instanceof DataWindow w) {
            return w.getProducedAt();
        }
        return ((ProbeScore) value).getProducedAt();
    }
}
