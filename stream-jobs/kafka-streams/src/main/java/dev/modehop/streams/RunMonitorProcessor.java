package dev.modehop.streams;

import dev.modehop.step.MonitorStep;
import dev.modehop.step.Outgoing;
import dev.modehop.step.PartCache;
import dev.modehop.step.StepInput;
import dev.modehop.step.StepResult;
import dev.modehop.step.StoredRun;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The Kafka Streams shell of the {@link MonitorStep}: each record goes to the step with its run's slice of the
 * state store; outputs are forwarded as the step encoded them. Deadlines (one per run, in event time) are kept
 * in a second store, ordered by time; they fire when the task's event-time clock (the highest producer time of
 * its inputs, less the tolerated lateness) passes them, as Flink's watermark fires its timers.
 */
final class RunMonitorProcessor implements Processor<String, byte[], String, byte[]> {
    /** The run's registered deadline, stored with its parts so it can be unregistered. */
    static final String TIMER = "t";

    private final MonitorStep step;
    private final long latenessMs;
    private final ProcessingListener listener;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;
    private KeyValueStore<String, byte[]> deadlines;
    /** Derived from the inputs since init(): a revived task starts from its stores, never from this. */
    private long clock;
    /**
     * Decoded parts between records, and the parts written back only when the task commits ({@link
     * WriteBackStore}); a new one at every init(), so a revived task starts from what its stores hold.
     */
    private PartCache decoded;
    /** Each recent run's registered deadline (-1: none) as its {@link #TIMER} part holds it; new at every init(). */
    private Map<String, Long> timers;
    private long earliestDeadline;

    RunMonitorProcessor(MonitorStep step, long latenessMs, ProcessingListener listener) {
        this.step = step;
        this.latenessMs = latenessMs;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(MonitorTopology.STATE_STORE);
        this.deadlines = context.getStateStore(MonitorTopology.DEADLINE_STORE);
        this.clock = Long.MIN_VALUE;
        this.decoded = WriteBackStore.under(store).newPartCache(PartCache.DEFAULT_CAPACITY);
        this.timers = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > PartCache.DEFAULT_CAPACITY;
            }
        };
        this.earliestDeadline = Long.MAX_VALUE;
        try (var it = deadlines.all()) {
            if (it.hasNext()) {
                earliestDeadline = timeOf(it.next().key);
            }
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        listener.onInput(meta.topic());
        StepInput in = new StepInput(meta.topic(), meta.partition(), meta.offset(), record.timestamp(), record.key(),
                record.value(), record.headers());
        String runId = step.routingKey(in);
        StreamsRunStore runStore = StreamsRunStore.of(store, runId == null ? "" : runId, decoded);
        StepResult result = step.onRecord(runStore, in);
        emit(result.outputs());
        apply(result, runId, runStore);
        if (result.inputTime() >= 0 && result.inputTime() - latenessMs > clock) {
            clock = result.inputTime() - latenessMs;
        }
        fireDeadlines();
    }

    /** Every deadline at or before the clock, earliest first, each with its own time as Flink's timers. */
    private void fireDeadlines() {
        while (earliestDeadline <= clock) {
            List<KeyValue<String, byte[]>> due = new ArrayList<>();
            try (var it = deadlines.range(key(Long.MIN_VALUE + 1, ""), key(clock, "\uffff"))) {
                it.forEachRemaining(due::add);
            }
            for (KeyValue<String, byte[]> d : due) {
                deadlines.delete(d.key);
                long at = timeOf(d.key);
                String runId = new String(d.value, java.nio.charset.StandardCharsets.UTF_8);
                StreamsRunStore runStore = StreamsRunStore.of(store, runId, decoded);
                runStore.delete(TIMER);
                timers.put(runId, -1L);
                StepResult result = step.onDeadline(runStore, at);
                emit(result.outputs());
                apply(result, runId, runStore);
            }
            earliestDeadline = Long.MAX_VALUE;
            try (var it = deadlines.all()) {
                if (it.hasNext()) {
                    earliestDeadline = timeOf(it.next().key);
                }
            }
        }
    }

    private void apply(StepResult result, String runId, StreamsRunStore runStore) {
        if (runId == null) {
            return;
        }
        if (result.deleteRun()) {
            unregister(runId, runStore);
            runStore.deleteAll();
            timers.remove(runId);
            return;
        }
        if (result.nextDeadline() == MonitorStep.UNCHANGED) {
            return;
        }
        long registered = registered(runId, runStore);
        // A registered deadline no later than the new one stays: when it fires the step finds nothing due and
        // names the next one. Nearly every record moves a run's deadline on; this spares two writes for each.
        if (registered >= 0 && (result.nextDeadline() < 0 || registered <= result.nextDeadline())) {
            return;
        }
        unregister(runId, runStore);
        if (result.nextDeadline() >= 0) {
            deadlines.put(key(result.nextDeadline(), runId), runId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            runStore.put(TIMER, ByteBuffer.allocate(8).putLong(result.nextDeadline()).array());
            timers.put(runId, result.nextDeadline());
            earliestDeadline = Math.min(earliestDeadline, result.nextDeadline());
        }
    }

    /** The run's registered deadline, -1 for none: as kept since init(), else as its TIMER part holds it. */
    private long registered(String runId, StreamsRunStore runStore) {
        Long kept = timers.get(runId);
        if (kept == null) {
            byte[] current = runStore.get(TIMER);
            kept = current == null ? -1 : ByteBuffer.wrap(current).getLong();
            timers.put(runId, kept);
        }
        return kept;
    }

    private void unregister(String runId, StreamsRunStore runStore) {
        long registered = registered(runId, runStore);
        if (registered >= 0) {
            deadlines.delete(key(registered, runId));
            runStore.delete(TIMER);
            timers.put(runId, -1L);
        }
    }

    private void emit(List<Outgoing> outputs) {
        for (Outgoing o : outputs) {
            Record<String, byte[]> r = o.headers() == null ? new Record<>(o.key(), o.value(), o.timestamp())
                    : new Record<>(o.key(), o.value(), o.timestamp(), o.headers());
            context.forward(r, MonitorTopology.sinkName(o.topic()));
            if (o.output() == null) {
                listener.onDeadLetter(o.topic().substring(0, o.topic().length() - ".dlq".length()),
                        dev.modehop.step.DeadLetters.reason(o.headers()));
            } else {
                listener.onOutput(o.output(), o.topic());
            }
        }
    }

    /** Deadline keys sort by time: a sign and 19 digits (event times are never negative in practice). */
    static String key(long time, String runId) {
        return StoredRun.zeroPadded(Math.max(0, time), 20) + "/" + runId;
    }

    static long timeOf(String key) {
        return Long.parseLong(key.substring(0, key.indexOf('/')));
    }
}
