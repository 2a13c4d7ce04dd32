package dev.modehop.streams;

import dev.modehop.core.Output;
import dev.modehop.core.RunMonitor;
import dev.modehop.core.RunState;
import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.DeadLetters;
import dev.modehop.schemas.EventMapper;
import dev.modehop.schemas.MonitorInput;
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
    private final Map<String, Topic<?>> inputsByName = new java.util.HashMap<>();
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
        topics.inputs().forEach(t -> inputsByName.put(t.name(), t));
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
        Topic<?> source = inputsByName.get(topic);
        listener.onInput(topic);
        MonitorInput.Checked checked = MonitorInput.check(source, record.key(), record.headers(), record.value());
        if (checked.problem() != null) {
            deadLetter(record, source, meta, checked.problem());
            return;
        }
        MonitorInput input = checked.input();
        String runId = input.runId();
        RunState state = decoded.get(runId);
        if (state == null) {
            byte[] stored = store.get(runId);
            state = stored == null ? new RunState(runId) : RunStateCodec.decode(stored);
            decoded.put(runId, state);
        }
        List<Output> outputs = input.applyTo(monitor, state, record.timestamp());
        for (Output o : outputs) {
            if (o instanceof Output.Rejection rejection) {
                if (rejection.parked() == null) {
                    deadLetter(record, source, meta, rejection.reason());
                } else {
                    deadLetterHeldBack(rejection, record.timestamp());
                }
            } else {
                Object wire = EventMapper.toWire(o, record.timestamp());
                String target = topics.outputTopic(o).name();
                context.forward(new Record<>(runId, wire, record.timestamp()), MonitorTopology.sinkName(target));
                listener.onOutput(o, target);
            }
        }
        store.put(runId, RunStateCodec.encode(state));
    }

    /** A result held back earlier and given up now: it is re-encoded, since its original bytes are gone. */
    private void deadLetterHeldBack(Output.Rejection rejection, long timestamp) {
        Topic<ProbeScore> source = topics.probeScored;
        byte[] bytes = MonitorInput.heldBackBytes(topics, rejection);
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
