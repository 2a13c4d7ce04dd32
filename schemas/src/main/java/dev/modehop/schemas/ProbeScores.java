package dev.modehop.schemas;

import dev.modehop.events.ProbeScore;

/**
 * The one place a {@code probe.scored} record is started: the fields the schema requires are parameters, the id
 * follows the contract ({@code runId/step/family/task}, the same rule as core's {@code Ids.probeScore}), and
 * every optional field stays at its schema default (one seed, one task, no item count, no stderr, metric
 * {@code hard_accuracy}, empty scorer id) until the caller sets it on the returned builder.
 */
public final class ProbeScores {
    private ProbeScores() {
    }

    /** A builder for the score of one checkpoint on one (family, task); {@code value} goes to hardAccuracy. */
    public static ProbeScore.Builder of(String runId, long step, String suite, String family, String task,
                                        double value) {
        return ProbeScore.newBuilder()
                .setId(runId + "/" + step + "/" + family + "/" + task)
                .setRunId(runId)
                .setStep(step)
                .setSuite(suite)
                .setFamily(family)
                .setTask(task)
                .setHardAccuracy(value);
    }

    /**
     * A choice task's score over {@code items} binary items: hardAccuracy {@code accuracy}, softScore
     * {@code softScore}.
     */
    public static ProbeScore.Builder counted(String runId, long step, String suite, String family, String task,
                                             int items, double accuracy, double softScore) {
        return of(runId, step, suite, family, task, accuracy).setItems(items).setSoftScore(softScore);
    }
}
