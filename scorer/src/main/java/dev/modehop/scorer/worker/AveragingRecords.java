package dev.modehop.scorer.worker;

import dev.modehop.core.AveragingOutcome;
import dev.modehop.events.AveragedFamily;
import dev.modehop.events.AveragingRequest;
import dev.modehop.events.AveragingStatus;
import dev.modehop.events.HopAveraging;
import dev.modehop.events.OneStepStability;
import dev.modehop.events.OneStepStatus;
import dev.modehop.events.SteppedFamily;
import java.util.List;

/** An averaging test's outcome as one {@code hop.averaging} record, id {@code requestId/result}. */
public final class AveragingRecords {
    private AveragingRecords() {
    }

    public static String id(String requestId) {
        return requestId + "/result";
    }

    public static HopAveraging done(AveragingRequest request, AveragingEvaluation.Result r, String scorerId, long durationMs,
                                    long producedAt) {
        List<AveragedFamily> families = r.families().stream().map(f -> AveragedFamily.newBuilder()
                .setFamily(f.family()).setItems(f.items()).setOldAccuracy(f.oldAccuracy())
                .setNewAccuracy(f.newAccuracy()).setAverageAccuracy(f.averageAccuracy())
                .setAverageSoftScore(r.averageSoftScores().get(f.family()))
                .setOldMode(mode(f.oldMode())).setNewMode(mode(f.newMode())).setAverageMode(mode(f.averageMode()))
                .setOutcome(dev.modehop.events.AveragingOutcome.valueOf(f.outcome().name())).build()).toList();
        AveragingEvaluation.OneStep s = r.oneStep();
        OneStepStability oneStep = OneStepStability.newBuilder().setStatus(OneStepStatus.valueOf(s.status().name()))
                .setReason(s.reason()).setStep(s.step()).setLearningRate(s.learningRate()).setLoss(s.loss())
                .setFamilies(s.families().stream().map(f -> SteppedFamily.newBuilder().setFamily(f.family())
                        .setProbabilityChange(f.probabilityChange()).setHopProbabilityChange(f.hopProbabilityChange())
                        .setHardAccuracyBefore(f.hardAccuracyBefore()).setHardAccuracyAfter(f.hardAccuracyAfter())
                        .setSoftScoreBefore(f.softScoreBefore()).setSoftScoreAfter(f.softScoreAfter()).build()).toList())
                .build();
        return base(request, scorerId, durationMs, producedAt).setStatus(AveragingStatus.DONE).setSuite(r.suite())
                .setSteps(r.steps()).setOldStep(r.oldStep()).setFamilies(families).setOneStep(oneStep).build();
    }

    public static HopAveraging refused(AveragingRequest request, String reason, List<Long> steps, String scorerId,
                                       long durationMs, long producedAt) {
        return base(request, scorerId, durationMs, producedAt).setStatus(AveragingStatus.REFUSED).setReason(reason)
                .setSteps(steps).setOldStep(-1).setFamilies(List.of()).setOneStep(null).build();
    }

    private static HopAveraging.Builder base(AveragingRequest request, String scorerId, long durationMs, long producedAt) {
        return HopAveraging.newBuilder().setId(id(request.getId())).setRequestId(request.getId())
                .setRunId(request.getRunId()).setHopStep(request.getHopStep()).setSeries(request.getSeries())
                .setRequestedBy(request.getRequestedBy()).setScorerId(scorerId).setDurationMs(durationMs)
                .setProducedAt(producedAt);
    }

    private static dev.modehop.events.Mode mode(dev.modehop.core.Mode m) {
        return dev.modehop.events.Mode.valueOf(m.name());
    }

    /** The outcome a family's record names, back in core's terms (for reports). */
    public static AveragingOutcome outcome(AveragedFamily f) {
        return AveragingOutcome.valueOf(f.getOutcome().name());
    }
}
