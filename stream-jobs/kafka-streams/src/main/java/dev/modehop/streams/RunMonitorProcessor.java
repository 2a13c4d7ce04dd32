package dev.modehop.streams;

import dev.modehop.core.Output;
import dev.modehop.core.RunMonitor;
import dev.modehop.core.RunState;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.DataWindow;
import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.EventMapper;
import dev.modehop.schemas.RunStateCodec;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decodes each input record, runs the run's monitor on its stored state and routes the outputs. */
final class RunMonitorProcessor implements Processor<String, byte[], String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(RunMonitorProcessor.class);

    private final Topics topics;
    private final RunMonitor monitor;
    private final ProcessingListener listener;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> store;
    /**
     * Decoded states of this task's recent runs, so that a record costs one encode, not a decode too. This
     * processor instance owns the task; Streams builds a new one (empty cache) after a rebalance or an
     * aborted transaction, so the cache never outlives the store content it mirrors.
     */
    private final Map<String, RunState> decoded = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RunState> eldest) {
            return size() > CACHED_RUNS;
        }
    };
    static final int CACHED_RUNS = 1_000;

    RunMonitorProcessor(Topics topics, RunMonitor monitor, ProcessingListener listener) {
        this.topics = topics;
        this.monitor = monitor;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.store = context.getStateStore(MonitorTopology.STATE_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        String topic = meta.topic();
        Topic<?> source = topics.inputs().stream().filter(t -> t.name().equals(topic)).findFirst().orElseThrow();
        listener.onInput(topic);
        if (record.value() == null) {
            deadLetter(record, source, meta, "null value");
            return;
        }
        Object value;
        try {
            value = source.valueSerde().deserializer().deserialize(topic, record.headers(), record.value());
        } catch (RuntimeException e) {
            deadLetter(record, source, meta, "undecodable: " + e.getMessage());
            return;
        }
        String runId = runIdOf(value);
        if (runId == null || runId.isBlank()) {
            deadLetter(record, source, meta, "record has no runId");
            return;
        }
        if (record.key() != null && !record.key().equals(runId)) {
            deadLetter(record, source, meta, "key '" + record.key() + "' differs from runId '" + runId
                    + "' (records must be keyed by run id)");
            return;
        }
        RunState state = decoded.get(runId);
        if (state == null) {
            byte[] stored = store.get(runId);
            state = stored == null ? new RunState(runId) : RunStateCodec.decode(stored);
            decoded.put(runId, state);
        }
        List<Output> outputs = apply(state, value, record.timestamp());
        for (Output o : outputs) {
            if (o instanceof Output.Rejection rejection) {
                if (rejection.parked() == null) {
                    deadLetter(record, source, meta, rejection.reason());
                } else {
                    deadLetterHeldBack(rejection, record.timestamp());
                }
            } else {
                Object wire = EventMapper.toWire(o, record.timestamp());
                String target = outputTopic(o).name();
                context.forward(new Record<>(runId, wire, record.timestamp()), MonitorTopology.sinkName(target));
                listener.onOutput(o, target);
            }
        }
        store.put(runId, RunStateCodec.encode(state));
    }

    private List<Output> apply(RunState state, Object value, long timestamp) {
        if (value instanceof CheckpointReady r) {
            return monitor.onCheckpointReady(state, EventMapper.toCore(r));
        }
        if (value instanceof DataWindow w) {
            return monitor.onWindow(state, EventMapper.toCore(w), w.getProducedAt() > 0 ? w.getProducedAt() : timestamp);
        }
        return monitor.onResult(state, EventMapper.toCore((ProbeScore) value));
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

    private Topic<?> outputTopic(Output o) {
        if (o instanceof Output.ModeObservation) {
            return topics.modeObserved;
        }
        if (o instanceof Output.ModeHop) {
            return topics.hopDetected;
        }
        if (o instanceof Output.HopStability) {
            return topics.hopStability;
        }
        if (o instanceof Output.Alert) {
            return topics.alertRaised;
        }
        if (o instanceof Output.ControlCommand) {
            return topics.runControl;
        }
        return topics.checkpointRanked;
    }

    /** A result held back earlier and given up now: it is re-encoded, since its original bytes are gone. */
    private void deadLetterHeldBack(Output.Rejection rejection, long timestamp) {
        Topic<ProbeScore> source = topics.probeScored;
        byte[] bytes = source.valueSerde().serializer().serialize(source.name(),
                EventMapper.toWire(rejection.parked(), "", 0));
        LOG.warn("held-back {} record of run {} to {}: {}", source.name(), rejection.runId(), source.dlq(),
                rejection.reason());
        Record<String, Object> dead = new Record<>(rejection.runId(), (Object) bytes, timestamp,
                DeadLetters.headers(null, rejection.reason(), source.name(), -1, -1));
        context.forward(dead, MonitorTopology.sinkName(source.dlq()));
        listener.onDeadLetter(source.name(), rejection.reason());
    }

    private void deadLetter(Record<String, byte[]> record, Topic<?> source, RecordMetadata meta, String reason) {
        LOG.warn("{} record at partition {} offset {} to {}: {}", source.name(), meta.partition(), meta.offset(),
                source.dlq(), reason);
        Record<String, Object> dead = new Record<>(record.key(), (Object) record.value(), record.timestamp(),
                DeadLetters.headers(record.headers(), reason, source.name(), meta.partition(), meta.offset()));
        context.forward(dead, MonitorTopology.sinkName(source.dlq()));
        listener.onDeadLetter(source.name(), reason);
    }
}
