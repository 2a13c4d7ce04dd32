package dev.modehop.scorer.worker;

import dev.modehop.core.Ids;
import dev.modehop.events.ProbeScore;
import dev.modehop.scorer.scoring.SuiteScore;
import dev.modehop.scorer.scoring.TaskScore;
import java.util.ArrayList;
import java.util.List;

/** A scored checkpoint as {@code probe.scored} records: one per (family, task), ids {@code runId/step/family/task}. */
public final class ProbeScores {
    private ProbeScores() {
    }

    public static List<ProbeScore> of(String runId, long step, SuiteScore score, String scorerId, long durationMs,
                                      long producedAt) {
        List<ProbeScore> out = new ArrayList<>(score.tasks().size());
        for (TaskScore t : score.tasks()) {
            out.add(ProbeScore.newBuilder()
                    .setId(Ids.probeScore(runId, step, t.family(), t.task()))
                    .setRunId(runId)
                    .setStep(step)
                    .setSuite(score.suite())
                    .setFamily(t.family())
                    .setTask(t.task())
                    .setSeedCount(t.seedCount())
                    .setItems(t.items())
                    .setHardAccuracy(t.hardAccuracy())
                    .setSoftScore(t.softScore())
                    .setLogProbMargin(Double.isFinite(t.logProbMargin()) ? t.logProbMargin() : null)
                    .setStderr(Double.isFinite(t.stderr()) ? t.stderr() : null)
                    .setTaskCount(score.tasks().size())
                    .setScorerId(scorerId)
                    .setDurationMs(durationMs)
                    .setProducedAt(producedAt)
                    .build());
        }
        return out;
    }
}
