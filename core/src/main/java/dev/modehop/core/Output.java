package dev.modehop.core;

import java.util.List;
import java.util.Map;

/** Everything the monitor emits. Each engine routes each kind to its topic. */
public sealed interface Output permits Output.ModeObservation, Output.LateObservation, Output.ModeHop, Output.HopStability, Output.Alert,
        Output.ControlCommand, Output.CheckpointRanking, Output.AveragingRequest, Output.SourceStatisticsUpdate,
        Output.PredictorEvaluationUpdate, Output.Rejection {

    String runId();

    /** The mode of one series at one checkpoint. */
    record ModeObservation(String id, String runId, String series, long step, Mode mode, Mode confirmedMode,
                           double hardAccuracy, double softScore, Integer items, boolean gapBefore) implements Output {
    }

    /**
     * The mode of one series at a checkpoint whose scores all arrived only after the run had moved past it (it
     * had been skipped after the missing-scores timeout). Published so nothing scored is lost, flagged late; it
     * feeds no detector, so no hop is reported from it. {@code confirmedMode} is the series' mode now.
     */
    record LateObservation(String id, String runId, String series, long step, Mode mode, Mode confirmedMode,
                           double hardAccuracy, double softScore, Integer items) implements Output {
    }

    /**
     * A significant switch, reported at the first checkpoint of the new mode ({@code step}).
     * {@code anchorStep} is the last checkpoint that still held the old mode; {@code windows} are the data
     * windows that trained the model between the two.
     */
    record ModeHop(String id, String runId, String series, long step, long prevStep, long anchorStep,
                   Direction direction, Mode from, Mode to, double before, double after, double zScore,
                   List<DataWindow> windows) implements Output {
    }

    record HopStability(String id, String hopId, String runId, String series, long hopStep, long decidedAtStep,
                        Verdict verdict, int checkpointsObserved, Mode to) implements Output {
    }

    record Alert(String id, String runId, String rule, Severity severity, String message, String hopId, long step)
            implements Output {
    }

    record ControlCommand(String id, String runId, ControlAction action, Map<String, Double> mixture, String reason,
                          String issuedBy, long step) implements Output {
    }

    /**
     * A leaderboard entry with why it stands there: per family its soft score, the stability weight it counted
     * with and its share of the score (weight x soft / sum of weights; the shares add up to the score).
     */
    record RankedCheckpoint(long step, double score, List<FamilyContribution> families) {
        public RankedCheckpoint(long step, double score) {
            this(step, score, List.of());
        }
    }

    record FamilyContribution(String family, double softScore, double weight, double contribution) {
    }

    record CheckpointRanking(String id, String runId, long bestStep, double bestScore, long asOfStep,
                             List<RankedCheckpoint> leaderboard) implements Output {
    }

    /**
     * A rule asks the scorers for the averaging test of a judged hop: average the {@code checkpoints}
     * checkpoints centred on {@code hopStep} (0: the scorers' default), score the average, compare it with the
     * hop's two sides ({@link AveragingOutcome}).
     */
    record AveragingRequest(String id, String runId, String series, long hopStep, int checkpoints, Verdict verdict,
                            String requestedBy) implements Output {
    }

    /**
     * The run's per-source statistics ({@link SourceStatistics}) after a checkpoint whose hops changed them, one
     * entry per (source, mode moved toward).
     */
    record SourceStatisticsUpdate(String id, String runId, long asOfStep, int hopsCounted,
                                  List<SourceStatistics.Move> moves) implements Output {
    }

    /**
     * The run's predictor test ({@link PredictorEvaluation}) after a checkpoint whose predictors and soft scores
     * were paired: every (family, predictor) with enough pairs, beside its random baseline. The latest record of
     * a run is its whole picture.
     */
    record PredictorEvaluationUpdate(String id, String runId, long asOfStep, int checkpointsPaired, int draws,
                                     List<PredictorEvaluation.Result> results) implements Output {
    }

    /**
     * An input cannot be used; it belongs in the dead-letter topic with this reason. {@code parked} is null
     * when it is the input being processed, or the result that was held back earlier and is given up now.
     */
    record Rejection(String runId, String reason, ProbeScore parked) implements Output {
        public Rejection(String runId, String reason) {
            this(runId, reason, null);
        }
    }
}
