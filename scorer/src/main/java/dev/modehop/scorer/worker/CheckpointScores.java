package dev.modehop.scorer.worker;

import dev.modehop.core.MatchRateNoise;
import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.ProbeScores;
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
public final class CheckpointScores {
    private CheckpointScores() {
    }

    public static List<ProbeScore> of(String runId, long step, SuiteScore score, String scorerId, long durationMs,
                                      long producedAt) {
        return of(runId, step, score, GenerativeScorer.Result.empty(), scorerId, durationMs, producedAt);
    }

    public static List<ProbeScore> of(String runId, long step, SuiteScore score, GenerativeScorer.Result generative,
                                      String scorerId, long durationMs, long producedAt) {
        int taskCount = score.tasks().size() + generative.tasks().size();
        List<ProbeScore> out = new ArrayList<>(taskCount);
        Common c = new Common(runId, step, score.suite(), taskCount, scorerId, durationMs, producedAt);
        for (TaskScore t : score.tasks()) {
            out.add(c.builder(t.family(), t.task(), t.seedCount(), t.items(), t.hardAccuracy(), t.softScore(),
                    t.stderr()).setLogProbMargin(Double.isFinite(t.logProbMargin()) ? t.logProbMargin() : null).build());
        }
        for (MatchRateScore g : generative.tasks()) {
            out.add(c.builder(g.family(), g.task(), g.seedCount(), g.questions(), g.matchRate(), g.matchRate(), g.stderr())
                    .setMetric(MatchRateNoise.METRIC)
                    .setSamples(g.samples())
                    .setQuestions(g.questions())
                    .build());
        }
        return out;
    }

    /** What every record of one checkpoint shares. */
    private record Common(String runId, long step, String suite, int taskCount, String scorerId, long durationMs,
                          long producedAt) {
        ProbeScore.Builder builder(String family, String task, int seedCount, int items, double hard, double soft,
                                   double stderr) {
            return ProbeScores.counted(runId, step, suite, family, task, items, hard, soft)
                    .setSeedCount(seedCount)
                    .setStderr(Double.isFinite(stderr) ? stderr : null)
                    .setTaskCount(taskCount)
                    .setScorerId(scorerId)
                    .setDurationMs(durationMs)
                    .setProducedAt(producedAt);
        }
    }
}
