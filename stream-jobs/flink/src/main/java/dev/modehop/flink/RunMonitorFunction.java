package dev.modehop.flink;

import dev.modehop.core.MonitorConfig;
import dev.modehop.core.RunMonitor;
import dev.modehop.step.MonitorStep;
import dev.modehop.step.Outgoing;
import dev.modehop.step.PartCache;
import dev.modehop.step.StepInput;
import dev.modehop.step.StepResult;
import dev.modehop.step.StepSettings;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * The Flink shell of the {@link MonitorStep}, one run per key: the run's parts live in a map state, each input
 * goes to the step, its records to the sink as the step encoded them (so both engines write the same bytes),
 * and one event-time timer per run stands at (or before) the step's next deadline (a waiting checkpoint's missing-scores
 * timeout, held-back results of a run not announced yet, or the run's expiry). When the step says to delete
 * the run (expired, or every record rejected), its state and timer go.
 */
public final class RunMonitorFunction extends KeyedProcessFunction<String, InputRecord, OutgoingRecord> {
    private static final long serialVersionUID = 1L;

    static final String STATE_NAME = "run-parts";
    static final String TIMER_NAME = "deadline";

    private final InputDecoder decoder;
    private final SerializableSupplier<MonitorConfig> monitorConfig;
    private final Duration idleExpiry;

    private transient MonitorStep step;
    private transient MapState<String, byte[]> parts;
    private transient ValueState<Long> timer;
    private transient FlinkRunStore store;

    /** @param idleExpiry a run without input for this long (event time) is deleted; zero keeps runs */
    public RunMonitorFunction(InputDecoder decoder, SerializableSupplier<MonitorConfig> monitorConfig,
                              Duration idleExpiry) {
        this.decoder = decoder;
        this.monitorConfig = monitorConfig;
        this.idleExpiry = idleExpiry;
    }

    @Override
    public void open(OpenContext openContext) {
        step = new MonitorStep(decoder.topics(), new RunMonitor(monitorConfig.get()),
                StepSettings.builder().idleExpiryMs(idleExpiry.toMillis()).build());
        parts = getRuntimeContext().getMapState(new MapStateDescriptor<>(STATE_NAME, String.class, byte[].class));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>(TIMER_NAME, Long.class));
        // A fresh cache with every open(): a restored subtask decodes what its state holds.
        store = new FlinkRunStore(parts, new PartCache(PartCache.DEFAULT_CAPACITY));
    }

    @Override
    public void processElement(InputRecord in, Context ctx, Collector<OutgoingRecord> out) throws Exception {
        StepInput input = new StepInput(in.topic, in.partition, in.offset, in.timestamp, in.keyString(), in.value,
                in.headers());
        apply(step.onRecord(store.of(ctx.getCurrentKey()), input), ctx, out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OutgoingRecord> out) throws Exception {
        timer.clear();
        apply(step.onDeadline(store.of(ctx.getCurrentKey()), timestamp), ctx, out);
    }

    private void apply(StepResult result, Context ctx, Collector<OutgoingRecord> out) throws Exception {
        for (Outgoing o : result.outputs()) {
            out.collect(OutgoingRecord.of(o));
        }
        if (result.deleteRun()) {
            parts.clear();
            Long current = timer.value();
            if (current != null) {
                ctx.timerService().deleteEventTimeTimer(current);
                timer.clear();
            }
        } else if (result.nextDeadline() != MonitorStep.UNCHANGED) {
            reschedule(result.nextDeadline(), ctx);
        }
    }

    /**
     * One timer per run, at or before the step's next deadline. A timer no later than the new deadline stays:
     * when it fires the step finds nothing due and names the next one (nearly every record moves a run's
     * deadline on; this spares a timer deletion and registration for each).
     */
    private void reschedule(long deadline, Context ctx) throws Exception {
        Long current = timer.value();
        if (deadline < 0 || current != null && current <= deadline) {
            return;
        }
        if (current != null) {
            ctx.timerService().deleteEventTimeTimer(current);
        }
        ctx.timerService().registerEventTimeTimer(deadline);
        timer.update(deadline);
    }
}
