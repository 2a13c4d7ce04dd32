package dev.modehop.step;

import dev.modehop.core.Output;
import dev.modehop.core.RunMonitor;
import dev.modehop.core.RunState;
import dev.modehop.core.RunSummary;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor step both engines run, so that they emit the same bytes by construction. For one input record:
 * decode and check it ({@link MonitorInput}), apply it to its run's stored parts ({@link StoredRun}, through
 * the engine's {@link RunStore}), encode the outputs ({@link OutputTable}) and dead letters ({@link DeadLetters}),
 * and say whether the run is to be deleted and when to call {@link #onDeadline} next. An engine is a thin
 * shell: keyed state behind {@link RunStore}, one timer per run, and a sink for {@link Outgoing} records.
 *
 * <p>Deadlines run on event time (producer time): the first waiting checkpoint's missing-scores deadline
 * ({@link RunMonitor#nextDeadline}) and the run's expiry, {@link StepSettings#idleExpiryMs} after its last input.
 * A run that expires, or whose every record was rejected, is deleted: it leaves no state behind.
 */
public final class MonitorStep {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorStep.class);
    /** {@link StepResult#nextDeadline} when the call did not look at the run: keep the timer as it is. */
    public static final long UNCHANGED = Long.MIN_VALUE;
    /** The part every stored run has (its header): queries list runs by it. */
    public static final String HEADER_PART = StoredRun.HEADER;

    private final RunMonitor monitor;
    private final StepSettings settings;
    private final OutputTable table;
    private final Map<String, Topic<?>> inputs = new HashMap<>();
    private final String probeScored;

    public MonitorStep(Topics topics, RunMonitor monitor, StepSettings settings) {
        this.monitor = monitor;
        this.settings = settings;
        this.table = new OutputTable(topics);
        topics.inputs().forEach(t -> inputs.put(t.name(), t));
        this.probeScored = topics.probeScored.name();
    }

    public RunMonitor monitor() {
        return monitor;
    }

    /**
     * The run a record belongs to, for engines that must route before {@link #onRecord}: its key, or for a
     * record without one the run id in its value; null when it has neither (it is dead-lettered on any key).
     */
    public String routingKey(StepInput in) {
        if (in.key() != null) {
            return in.key();
        }
        Topic<?> source = inputs.get(in.topic());
        if (source == null) {
            return null;
        }
        MonitorInput.Checked c = MonitorInput.check(source, null, in.headers(), in.value());
        return c.input() == null ? null : c.input().runId();
    }

    /**
     * One input record of the run {@code store} belongs to.
     *
     * @throws TransientInputException when the record cannot be decoded for now: the engine must retry it
     */
    public StepResult onRecord(RunStore store, StepInput in) {
        Topic<?> source = inputs.get(in.topic());
        if (source == null) {
            return new StepResult(List.of(deadLetter(in, "not a modehop input topic: " + in.topic())), false, UNCHANGED, -1);
        }
        MonitorInput.Checked checked = MonitorInput.check(source, in.key(), in.headers(), in.value());
        if (checked.problem() != null) {
            return new StepResult(List.of(deadLetter(in, checked.problem())), false, UNCHANGED, -1);
        }
        RunState stored = StoredRun.load(store, settings.codec());
        RunState run = stored != null ? stored : StoredRun.fresh(store, settings.codec(), checked.input().runId());
        // only a run no checkpoint.ready announced yet holds scores back: keep the whole record for those alone
        MonitorInput input = run.announced ? checked.input() : checked.input().keeping(in);
        try {
            List<Output> outputs = input.applyTo(monitor, run, in.timestamp());
            long inputTime = input.eventTime(in.timestamp());
            run.lastInputAt = Math.max(run.lastInputAt, inputTime);
            List<Outgoing> out = encode(outputs, in, in.timestamp());
            if (run.holdsNothing()) {
                // Every record of this run so far was rejected: keep nothing of it.
                return new StepResult(out, stored != null, -1, inputTime);
            }
            StoredRun.saveHeader(store, settings.codec(), run);
            return new StepResult(out, false, nextDeadline(run), inputTime);
        } finally {
            StoredRun.finish(run);
        }
    }

    /** The event time of the run's deadline has come ({@code time} is the engine's event-time clock). */
    public StepResult onDeadline(RunStore store, long time) {
        RunState run = StoredRun.load(store, settings.codec());
        if (run == null) {
            return new StepResult(List.of(), false, -1, -1);
        }
        try {
            List<Outgoing> out = encode(monitor.onTime(run, time), null, time);
            boolean expired = settings.idleExpiryMs() > 0 && time >= run.lastInputAt + settings.idleExpiryMs()
                    && run.waitingSteps.isEmpty();
            if (expired || run.holdsNothing()) {
                if (expired) {
                    LOG.info("run {} expired: no input for {} ms of event time; its state is deleted", run.runId,
                            settings.idleExpiryMs());
                }
                return new StepResult(out, true, -1, -1);
            }
            StoredRun.saveHeader(store, settings.codec(), run);
            return new StepResult(out, false, nextDeadline(run), -1);
        } finally {
            StoredRun.finish(run);
        }
    }

    /** The run as queries see it, or empty when nothing is stored for it. */
    public Optional<RunSummary> summarize(RunStore store) {
        RunState run = StoredRun.load(store, settings.codec());
        try {
            return run == null ? Optional.empty() : Optional.of(monitor.summarize(run));
        } finally {
            StoredRun.finish(run);
        }
    }

    private long nextDeadline(RunState run) {
        long missing = monitor.nextDeadline(run);
        // While a checkpoint waits its own deadline comes first; expiry counts once nothing waits.
        long expiry = settings.idleExpiryMs() > 0 && run.waitingSteps.isEmpty() ? run.lastInputAt + settings.idleExpiryMs() : -1;
        if (missing < 0) {
            return expiry;
        }
        return expiry < 0 ? missing : Math.min(missing, expiry);
    }

    /**
     * The outputs as records, in order. An output that cannot be produced (beyond the record size the broker
     * takes, or not encodable) is not written: its input goes to the dead-letter topic with the reason instead,
     * once, and the task goes on. {@code in} is null for a deadline (no input to blame).
     */
    private List<Outgoing> encode(List<Output> outputs, StepInput in, long timestamp) {
        List<Outgoing> out = new ArrayList<>(outputs.size());
        String unproducible = null;
        for (Output o : outputs) {
            if (o instanceof Output.Rejection rejection) {
                out.add(rejection.parked() == null ? deadLetter(in, rejection.reason()) : heldBack(rejection, timestamp));
                continue;
            }
            Topic<?> topic = table.topicOf(o);
            String problem;
            byte[] value = null;
            try {
                value = table.encode(o, timestamp);
                problem = value.length > settings.maxOutputBytes() ? topic.name() + " record of " + value.length
                        + " bytes is larger than the limit of " + settings.maxOutputBytes() + " bytes" : null;
            } catch (SerializationException e) {
                if (TransientInputException.isTransient(e)) {
                    throw new TransientInputException("cannot encode a " + topic.name() + " record for now: "
                            + e.getMessage(), e);
                }
                problem = topic.name() + " record cannot be encoded: " + e.getMessage();
            }
            if (problem == null) {
                out.add(new Outgoing(topic.name(), o.runId(), value, timestamp, null, o));
            } else {
                LOG.warn("output of run {} not produced: {}", o.runId(), problem);
                if (unproducible == null) {
                    unproducible = problem;
                }
            }
        }
        if (unproducible != null && in != null) {
            out.add(deadLetter(in, "its output cannot be produced: " + unproducible));
        }
        return out;
    }

    private Outgoing deadLetter(StepInput in, String reason) {
        String dlq = in.topic() + ".dlq";
        LOG.warn("{} record at partition {} offset {} to {}: {}", in.topic(), in.partition(), in.offset(), dlq, reason);
        return new Outgoing(dlq, in.key(), in.value(), in.timestamp(),
                DeadLetters.headers(in.headers(), reason, in.topic(), in.partition(), in.offset()), null);
    }

    /** A score held back for a run never announced and given up: the record as it arrived, and where it was read. */
    private Outgoing heldBack(Output.Rejection rejection, long timestamp) {
        String source = probeScored;
        String dlq = source + ".dlq";
        HeldBackScore kept = table.heldBack(rejection.parked());
        LOG.warn("held-back {} record of run {} (partition {} offset {}) to {}: {}", source, rejection.runId(),
                kept.partition(), kept.offset(), dlq, rejection.reason());
        return new Outgoing(dlq, rejection.runId(), kept.value(), timestamp,
                DeadLetters.headers(kept.headers(), rejection.reason(), source, kept.partition(), kept.offset()), null);
    }
}
