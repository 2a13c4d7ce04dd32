package dev.modehop.flink;

import dev.modehop.core.MonitorConfig;
import dev.modehop.core.Output;
import dev.modehop.core.PendingCheckpoint;
import dev.modehop.core.RunMonitor;
import dev.modehop.core.RunState;
import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.EventMapper;
import dev.modehop.schemas.MonitorInput;
import dev.modehop.schemas.RunStateCodec;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableSupplier;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link RunMonitor} for one run per key, exactly as the Kafka Streams job's processor does: the run's
 * {@link RunState} is kept as {@link RunStateCodec} bytes, each input is applied, outputs are serialized
 * with the topic serdes and carry the input's record timestamp, rejections send the input to its
 * dead-letter topic. What Flink adds: an event-time timer at the deadline of the oldest checkpoint still
 * waiting for scores (or of scores held back for a run not announced yet), so a run that stops sending records still gets its missing-scores alert, and a TTL
 * on both states so runs that went quiet are forgotten. The timer exists only while a checkpoint waits.
 */
public final class RunMonitorFunction extends KeyedProcessFunction<String, InputRecord, OutgoingRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RunMonitorFunction.class);

    static final String STATE_NAME = "run-state";
    static final String TIMER_NAME = "timeout-timer";

    private final InputDecoder decoder;
    private final SerializableSupplier<MonitorConfig> monitorConfig;
    private final Duration stateTtl;

    private transient RunMonitor monitor;
    private transient Topics topics;
    private transient ValueState<byte[]> runState;
    private transient ValueState<Long> timer;

    public RunMonitorFunction(InputDecoder decoder, SerializableSupplier<MonitorConfig> monitorConfig,
                              Duration stateTtl) {
        this.decoder = decoder;
        this.monitorConfig = monitorConfig;
        this.stateTtl = stateTtl;
    }

    @Override
    public void open(OpenContext openContext) {
        monitor = new RunMonitor(monitorConfig.get());
        topics = decoder.topics();
        StateTtlConfig ttl = StateTtlConfig.newBuilder(stateTtl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build();
        ValueStateDescriptor<byte[]> stateDescriptor = new ValueStateDescriptor<>(STATE_NAME, byte[].class);
        stateDescriptor.enableTimeToLive(ttl);
        ValueStateDescriptor<Long> timerDescriptor = new ValueStateDescriptor<>(TIMER_NAME, Long.class);
        timerDescriptor.enableTimeToLive(ttl);
        runState = getRuntimeContext().getState(stateDescriptor);
        timer = getRuntimeContext().getState(timerDescriptor);
    }

    @Override
    public void processElement(InputRecord in, Context ctx, Collector<OutgoingRecord> out) throws Exception {
        if (in.problem != null) {
            deadLetter(in, in.problem, out);
            return;
        }
        MonitorInput input;
        try {
            input = decoder.input(in);
        } catch (RuntimeException e) {
            deadLetter(in, "undecodable: " + e.getMessage(), out);
            return;
        }
        byte[] stored = runState.value();
        RunState state = stored == null ? new RunState(in.runId) : RunStateCodec.decode(stored);
        List<Output> outputs = input.applyTo(monitor, state, in.timestamp);
        boolean onlyRejections = true;
        for (Output o : outputs) {
            if (o instanceof Output.Rejection rejection && rejection.parked() == null) {
                deadLetter(in, rejection.reason(), out);
            } else if (o instanceof Output.Rejection rejection) {
                onlyRejections = false;
                out.collect(heldBackDeadLetter(rejection, in.timestamp));
            } else {
                onlyRejections = false;
                out.collect(encode(o, in.runId, in.timestamp));
            }
        }
        // A rejected record of a run never seen (an unknown run, an invalid first record) changed nothing:
        // storing its empty state would only keep garbage keys alive until the TTL.
        if (stored == null && onlyRejections && !outputs.isEmpty()) {
            return;
        }
        runState.update(RunStateCodec.encode(state));
        scheduleTimeout(state, ctx);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OutgoingRecord> out) throws Exception {
        timer.clear();
        byte[] stored = runState.value();
        if (stored == null) {
            return;
        }
        RunState state = RunStateCodec.decode(stored);
        for (Output o : monitor.onTime(state, timestamp)) {
            if (o instanceof Output.Rejection rejection) {
                out.collect(heldBackDeadLetter(rejection, timestamp));
            } else {
                out.collect(encode(o, state.runId, timestamp));
            }
        }
        runState.update(RunStateCodec.encode(state));
        scheduleTimeout(state, ctx);
    }

    /** One timer per run, at the deadline of the first checkpoint still waiting; none when nothing waits. */
    private void scheduleTimeout(RunState state, Context ctx) throws Exception {
        Long current = timer.value();
        Long deadline = null;
        long timeout = monitor.config().missingScoreTimeoutMs();
        if (!state.waiting.isEmpty()) {
            PendingCheckpoint head = state.waiting.firstEntry().getValue();
            deadline = head.firstSeenAt + timeout;
        }
        if (!state.parked.isEmpty() && state.firstParkedAt >= 0) {
            long parkedDeadline = state.firstParkedAt + timeout;
            deadline = deadline == null ? parkedDeadline : Math.min(deadline, parkedDeadline);
        }
        if (current != null && !current.equals(deadline)) {
            ctx.timerService().deleteEventTimeTimer(current);
            timer.clear();
        }
        if (deadline != null && !deadline.equals(current)) {
            ctx.timerService().registerEventTimeTimer(deadline);
            timer.update(deadline);
        }
    }

    private OutgoingRecord encode(Output o, String runId, long timestamp) {
        Topic<?> topic = topics.outputTopic(o);
        Object wire = EventMapper.toWire(o, timestamp);
        return OutgoingRecord.of(topic.name(), runId, serializer(topic).serialize(topic.name(), wire), timestamp);
    }

    /**
     * A score held back for a run not announced yet and given up now: its original bytes are gone, so it is
     * re-encoded, exactly as the Kafka Streams job does (no source partition or offset: -1).
     */
    private OutgoingRecord heldBackDeadLetter(Output.Rejection rejection, long timestamp) {
        Topic<ProbeScore> source = topics.probeScored;
        InputRecord held = InputRecord.raw(source.name(), -1, -1, timestamp,
                rejection.runId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                MonitorInput.heldBackBytes(topics, rejection),
                null);
        LOG.warn("held-back {} record of run {} to {}: {}", source.name(), rejection.runId(), source.dlq(),
                rejection.reason());
        return OutgoingRecord.deadLetter(held, source.dlq(), rejection.reason());
    }

    private void deadLetter(InputRecord in, String reason, Collector<OutgoingRecord> out) {
        String dlq = decoder.dlqOf(in);
        LOG.warn("{} record at partition {} offset {} to {}: {}", in.topic, in.partition, in.offset, dlq, reason);
        out.collect(OutgoingRecord.deadLetter(in, dlq, reason));
    }

    @SuppressWarnings("unchecked")
    private static Serializer<Object> serializer(Topic<?> topic) {
        return (Serializer<Object>) topic.valueSerde().serializer();
    }
}
