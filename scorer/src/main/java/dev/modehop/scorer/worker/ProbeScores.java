package dev.modehop.scorer.worker;

import dev.modehop.core.Ids;
import dev.modehop.core.MatchRateNoise;
import dev.modehop.events.ProbeScore;
import dev.modehop.scorer.generation.GenerativeScorer;
import dev.modehop.scorer.generation.MatchRateScore;
import dev.modehop.scorer.scoring.SuiteScore;
import dev.modehop.scorer.scoring.TaskScore;
import java.util.ArrayList;
import java.util.List;

/**
 * A scored checkpoint as {@code probe.scored} records: one per (family, task), ids {@code runId/step/family/task}.
 * Generative tasks carry {@code metric = match_rate}, the match rate in {@code hardAccuracy} and {@code softScore},
 * the question count in {@code items} and {@code questions}, and the samples per (question, seed); a generative task
 * that failed has no record and is not counted in {@code taskCount}, so the checkpoint still completes.
 */
public final class ProbeScores {
    private ProbeScores() {
    }

    public static List<ProbeScore> of(String runId, long step, SuiteScore score, String scorerId, long durationMs,
                                      long producedAt) {
        return of(runId, step, score, GenerativeScorer.Result.empty(), scorerId, durationMs, producedAt);
    }

    public static List<ProbeScore> of(String runId, long step, SuiteScore score, GenerativeScorer.Result generative,
                                      String scorerId, long durationMs, long producedAt) {
        int taskCount = score.tasks().size() + generative.tasks().size();
        List<ProbeScore> out = new ArrayList<>(taskCount);
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
                    .setStderr(Double.isFinite(t.stderr()) ? t.stderr() : null)
                    .setTaskCount(taskCount)
                    .setScorerId(scorerId)
                    .setDurationMs(durationMs)
                    .setProducedAt(producedAt)
                    .build());
        }
        for (MatchRateScore g : generative.tasks()) {
            out.add(ProbeScore.newBuilder()
                    .setId(Ids.probeScore(runId, step, g.family(), g.task()))
                    .setRunId(runId)
                    .setStep(step)
                    .setSuite(score.suite())
                    .setFamily(g.family())
                    .setTask(g.task())
                    .setSeedCount(g.seedCount())
                    .setItems(g.questions())
                    .setHardAccuracy(g.matchRate())
                    .setSoftScore(g.matchRate())
                    .setStderr(Double.isFinite(g.stderr()) ? g.stderr() : null)
                    .setTaskCount(taskCount)
                    .setScorerId(scorerId)
                    .setDurationMs(durationMs)
                    .setProducedAt(producedAt)
                    .setMetric(MatchRateNoise.METRIC)
                    .setSamples(g.samples())
                    .setQuestions(g.questions())
                    .build());
        }
        return out;
    }
}
