package dev.modehop.scorer.worker;

import dev.modehop.core.Ids;
import dev.modehop.events.CheckpointPredictors;
import dev.modehop.scorer.predictors.GeneralizationPredictors;

/** A checkpoint's predictors as one {@code checkpoint.predictors} record, id {@code runId/step/predictors}. */
public final class PredictorRecords {
    private PredictorRecords() {
    }

    public static CheckpointPredictors of(String runId, long step, String suite, GeneralizationPredictors p,
                                          String scorerId, long producedAt) {
        return CheckpointPredictors.newBuilder()
                .setId(Ids.checkpointPredictors(runId, step))
                .setRunId(runId)
                .setStep(step)
                .setSuite(suite)
                .setParameterL2Norm(p.parameterL2Norm())
                .setLayer(p.layer())
                .setPrompts(p.prompts())
                .setRankMe(p.rankMe())
                .setParticipationRatio(p.participationRatio())
                .setBlockRankMe(list(p.blockRankMe()))
                .setBlockParticipationRatio(list(p.blockParticipationRatio()))
                .setScorerId(scorerId)
                .setDurationMs(Math.round(p.seconds() * 1000))
                .setProducedAt(producedAt)
                .build();
    }

    private static java.util.List<Double> list(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}
