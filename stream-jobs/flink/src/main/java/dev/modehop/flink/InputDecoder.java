package dev.modehop.flink;

import dev.modehop.step.MonitorInput;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads an input record's value with the topic's serde and decides where it goes, with the checks and
 * reasons of {@link MonitorInput#check} that the Kafka Streams job uses too. Serializable: each Flink subtask
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

    /** Fills in the run id and event time of {@code r}, or its problem ({@link MonitorInput#check}); returns {@code r}. */
    public InputRecord classify(InputRecord r) {
        r.eventTime = r.timestamp;
        Topic<?> source = source(r.topic);
        if (source == null) {
            r.problem = "not a modehop input topic: " + r.topic;
            return r;
        }
        MonitorInput.Checked checked = MonitorInput.check(source, r.keyString(), r.headers(), r.value);
        if (checked.problem() != null) {
            r.problem = checked.problem();
            return r;
        }
        r.runId = checked.input().runId();
        r.eventTime = checked.input().eventTime(r.timestamp);
        return r;
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
}
