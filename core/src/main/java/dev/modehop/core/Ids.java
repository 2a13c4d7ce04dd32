package dev.modehop.core;

/** Deterministic ids of derived records, so that consumers can dedupe replays and retries. */
public final class Ids {
    private Ids() {
    }

    public static String observation(String runId, String series, long step) {
        return runId + "/" + series + "/" + step;
    }

    public static String hop(String runId, String series, long step) {
        return runId + "/" + series + "/" + step + "/hop";
    }

    public static String stability(String hopId) {
        return hopId + "/stability";
    }

    public static String alert(String hopId, String rule, Verdict trigger) {
        return hopId + "/" + rule + "/" + trigger.name().toLowerCase(java.util.Locale.ROOT);
    }

    public static String control(String alertId, int index) {
        return alertId + "/control/" + index;
    }

    /** A rule's averaging request for a hop. */
    public static String averagingRequest(String hopId, String rule) {
        return hopId + "/" + rule + "/averaging";
    }

    /** An averaging request from a person (CLI, dashboard): one per (run, step, window) and moment asked. */
    public static String averagingRequest(String runId, long step, int checkpoints, long requestedAt) {
        return runId + "/" + step + "/averaging/" + checkpoints + "/" + requestedAt;
    }

    public static String ranking(String runId, long asOfStep) {
        return runId + "/ranking/" + asOfStep;
    }

    public static String sourceStatistics(String runId, long asOfStep) {
        return runId + "/sources/" + asOfStep;
    }

    /** A run's predictor test after its {@code checkpointsPaired}-th paired checkpoint. */
    public static String predictorEvaluation(String runId, int checkpointsPaired) {
        return runId + "/predictor-test/" + checkpointsPaired;
    }

    public static String probeScore(String runId, long step, String family, String task) {
        return runId + "/" + step + "/" + family + "/" + task;
    }

    public static String checkpointPredictors(String runId, long step) {
        return runId + "/" + step + "/predictors";
    }
}
