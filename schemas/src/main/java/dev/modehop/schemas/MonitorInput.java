package dev.modehop.schemas;

import dev.modehop.core.Output;
import dev.modehop.core.RunMonitor;
import dev.modehop.core.RunState;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.DataWindow;
import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.registry.TransientRegistryException;
import java.util.List;
import org.apache.kafka.common.header.Headers;

/**
 * An input record of the monitor (checkpoint.ready, datawindow.closed or probe.scored), decoded and checked
 * once for both engines: a null value, an undecodable value, a value without run id, or a key other than
 * the run id is a problem that sends the record to its topic's dead-letter twin, with the same reason on
 * Kafka Streams and on Flink.
 *
 * @param value      the decoded Avro value
 * @param producedAt the producer's timestamp in the value, 0 when it gave none
 */
public record MonitorInput(Object value, String runId, long producedAt) {

    /** The outcome of {@link #check}: an input, or the reason it is a dead letter. */
    public record Checked(MonitorInput input, String problem) {
    }

    /** Decodes {@code bytes} of {@code source} with its serde and checks it against its record key. */
    public static Checked check(Topic<?> source, String key, Headers headers, byte[] bytes) {
        if (bytes == null) {
            return new Checked(null, "null value");
        }
        Object value;
        try {
            value = source.valueSerde().deserializer().deserialize(source.name(), headers, bytes);
        } catch (TransientRegistryException e) {
            // The record may be valid: fail the task so the engine retries it, never dead-letter it.
            throw e;
        } catch (RuntimeException e) {
            return new Checked(null, "undecodable: " + e.getMessage());
        }
        String runId;
        long producedAt;
        if (value instanceof CheckpointReady r) {
            runId = r.getRunId();
            producedAt = r.getProducedAt();
        } else if (value instanceof DataWindow w) {
            runId = w.getRunId();
            producedAt = w.getProducedAt();
        } else {
            ProbeScore s = (ProbeScore) value;
            runId = s.getRunId();
            producedAt = s.getProducedAt();
        }
        if (runId == null || runId.isBlank()) {
            return new Checked(null, "record has no runId");
        }
        if (key != null && !key.equals(runId)) {
            return new Checked(null, "key '" + key + "' differs from runId '" + runId
                    + "' (records must be keyed by run id)");
        }
        return new Checked(new MonitorInput(value, runId, producedAt), null);
    }

    /** The producer's time, or the record's timestamp when the producer gave none. */
    public long eventTime(long recordTimestamp) {
        return producedAt > 0 ? producedAt : recordTimestamp;
    }

    /** Feeds this input to the run's monitor; {@code recordTimestamp} stands in for a missing producer time. */
    public List<Output> applyTo(RunMonitor monitor, RunState state, long recordTimestamp) {
        if (value instanceof CheckpointReady r) {
            return monitor.onCheckpointReady(state, EventMapper.toCore(r));
        }
        if (value instanceof DataWindow w) {
            return monitor.onWindow(state, EventMapper.toCore(w), eventTime(recordTimestamp));
        }
        return monitor.onResult(state, EventMapper.toCore((ProbeScore) value));
    }

    /**
     * The probe.scored bytes of a result the monitor held back for a run never announced and gave up: its
     * original bytes are gone, so it is encoded again for the dead-letter topic.
     */
    public static byte[] heldBackBytes(Topics topics, Output.Rejection rejection) {
        Topic<ProbeScore> source = topics.probeScored;
        return source.valueSerde().serializer().serialize(source.name(), EventMapper.toWire(rejection.parked(), "", 0));
    }
}
