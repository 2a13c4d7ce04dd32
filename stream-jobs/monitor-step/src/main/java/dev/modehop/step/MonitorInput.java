package dev.modehop.step;

import dev.modehop.core.MatchRateNoise;
import dev.modehop.core.Output;
import dev.modehop.core.PredictorEvaluation;
import dev.modehop.core.PredictorMeasurements;
import dev.modehop.core.RunMonitor;
import dev.modehop.core.RunState;
import dev.modehop.core.ScoringProgress;
import dev.modehop.events.CheckpointPredictors;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.DataWindow;
import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.Topic;
import java.util.List;
import org.apache.kafka.common.header.Headers;

/**
 * An input record of the monitor (checkpoint.ready, datawindow.closed, probe.scored, scoring.progress or
 * checkpoint.predictors),
 * decoded and checked once for both engines. A null value, an undecodable value, a value without run id, a key
 * other than the run id or a field beyond {@link InputLimits} is a problem that sends the record to its topic's
 * dead-letter twin; a decoding failure that may pass (registry unreachable) is thrown as a
 * {@link TransientInputException} instead, so the record is retried, never dead-lettered.
 *
 * @param value      the decoded Avro value
 * @param producedAt the producer's timestamp in the value, 0 when it gave none
 * @param bytes      what core keeps of a probe score it may hold back and dead-letter later: the value as it
 *                   arrived, or the whole record ({@link HeldBackScore}) once {@link #keeping} has seen it
 */
public record MonitorInput(Object value, String runId, long producedAt, byte[] bytes) {

    /** This input keeping all of {@code in} (value, headers, position) for a probe score; other inputs keep nothing. */
    public MonitorInput keeping(StepInput in) {
        return value instanceof ProbeScore ? new MonitorInput(value, runId, producedAt, HeldBackScore.wrap(in)) : this;
    }

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
        } catch (RuntimeException e) {
            if (TransientInputException.isTransient(e)) {
                throw new TransientInputException("cannot decode a " + source.name() + " record for now: "
                        + e.getMessage(), e);
            }
            return new Checked(null, "undecodable: " + e.getMessage());
        }
        if (value == null) {
            return new Checked(null, "null value");
        }
        String runId;
        long producedAt;
        String tooBig;
        if (value instanceof CheckpointReady r) {
            runId = r.getRunId();
            producedAt = r.getProducedAt();
            tooBig = InputLimits.first(InputLimits.tooLong("uri", r.getUri(), InputLimits.MAX_URI),
                    InputLimits.tooLong("suite", r.getSuite(), InputLimits.MAX_NAME),
                    InputLimits.tooLong("format", r.getFormat(), InputLimits.MAX_NAME));
        } else if (value instanceof DataWindow w) {
            runId = w.getRunId();
            producedAt = w.getProducedAt();
            tooBig = InputLimits.first(InputLimits.tooLong("windowId", w.getWindowId(), InputLimits.MAX_ID),
                    InputLimits.mixture(w.getMixture()));
        } else if (value instanceof ProbeScore s) {
            runId = s.getRunId();
            producedAt = s.getProducedAt();
            tooBig = InputLimits.first(InputLimits.tooLong("family", s.getFamily(), InputLimits.MAX_NAME),
                    InputLimits.tooLong("task", s.getTask(), InputLimits.MAX_NAME),
                    InputLimits.tooLong("suite", s.getSuite(), InputLimits.MAX_NAME),
                    InputLimits.tooLong("id", s.getId(), 4 * InputLimits.MAX_ID),
                    InputLimits.tooLong("scorerId", s.getScorerId(), InputLimits.MAX_ID));
        } else if (value instanceof CheckpointPredictors p) {
            runId = p.getRunId();
            producedAt = p.getProducedAt();
            tooBig = InputLimits.first(InputLimits.tooLong("suite", p.getSuite(), InputLimits.MAX_NAME),
                    InputLimits.tooLong("scorerId", p.getScorerId(), InputLimits.MAX_ID),
                    InputLimits.tooLong("id", p.getId(), 4 * InputLimits.MAX_ID),
                    InputLimits.blocks("blockRankMe", p.getBlockRankMe()),
                    InputLimits.blocks("blockParticipationRatio", p.getBlockParticipationRatio()));
        } else {
            dev.modehop.events.ScoringProgress p = (dev.modehop.events.ScoringProgress) value;
            runId = p.getRunId();
            producedAt = p.getProducedAt();
            tooBig = InputLimits.first(InputLimits.tooLong("suite", p.getSuite(), InputLimits.MAX_NAME),
                    InputLimits.tooLong("scorerId", p.getScorerId(), InputLimits.MAX_ID));
        }
        if (runId == null || runId.isBlank()) {
            return new Checked(null, "record has no runId");
        }
        String longId = InputLimits.tooLong("runId", runId, InputLimits.MAX_ID);
        if (longId != null || tooBig != null) {
            return new Checked(null, "invalid: " + (longId != null ? longId : tooBig));
        }
        if (key != null && !key.equals(runId)) {
            return new Checked(null, "key '" + key + "' differs from runId '" + runId
                    + "' (records must be keyed by run id)");
        }
        return new Checked(new MonitorInput(value, runId, producedAt, bytes), null);
    }

    /** The producer's time, or the record's timestamp when the producer gave none. */
    public long eventTime(long recordTimestamp) {
        return producedAt > 0 ? producedAt : recordTimestamp;
    }

    /** Feeds this input to the run's monitor; {@code recordTimestamp} stands in for a missing producer time. */
    public List<Output> applyTo(RunMonitor monitor, RunState state, long recordTimestamp) {
        if (value instanceof CheckpointReady r) {
            return monitor.onCheckpointReady(state, new dev.modehop.core.CheckpointReady(r.getRunId(), r.getStep(),
                    r.getTokensSeen(), r.getUri(), r.getProducedAt()));
        }
        if (value instanceof DataWindow w) {
            return monitor.onWindow(state, new dev.modehop.core.DataWindow(w.getRunId(), w.getWindowId(), w.getStartStep(),
                    w.getEndStep(), w.getTokens(), w.getMixture()), eventTime(recordTimestamp));
        }
        if (value instanceof ProbeScore s) {
            // a match rate counts its effective items (core's MatchRateNoise), a choice task its questions
            Integer items = MatchRateNoise.itemsFor(s.getMetric(), s.getItems(), s.getQuestions(), s.getSeedCount(),
                    s.getSamples(), s.getHardAccuracy(), s.getStderr());
            return monitor.onResult(state, new dev.modehop.core.ProbeScore(s.getRunId(), s.getStep(), s.getSuite(), s.getFamily(),
                    s.getTask(), s.getSeedCount(), items, s.getHardAccuracy(), s.getSoftScore(), s.getStderr(),
                    s.getTaskCount(), s.getProducedAt(), bytes));
        }
        if (value instanceof CheckpointPredictors p) {
            return monitor.onPredictors(state, new PredictorMeasurements(p.getRunId(), p.getStep(),
                    PredictorEvaluation.measurements(p.getParameterL2Norm(), p.getLayer(), p.getRankMe(),
                            p.getParticipationRatio(), p.getBlockRankMe(), p.getBlockParticipationRatio()),
                    eventTime(recordTimestamp)));
        }
        dev.modehop.events.ScoringProgress p = (dev.modehop.events.ScoringProgress) value;
        return monitor.onProgress(state, new ScoringProgress(p.getRunId(), p.getStep(), p.getScorerId(),
                p.getItemsDone(), p.getItemsTotal(), eventTime(recordTimestamp)));
    }
}
