package dev.modehop.core;

import java.util.Map;
import java.util.Optional;

/**
 * The generalization predictors a scorer measured on one checkpoint ({@link PredictorEvaluation#measurements}),
 * as the monitor takes them for the run's predictor test.
 */
public record PredictorMeasurements(String runId, long step, Map<String, PredictorEvaluation.Measurement> predictors,
                                    long producedAt) {

    public Optional<String> problem() {
        Optional<String> address = CheckpointAddress.problem(runId, step);
        if (address.isPresent()) {
            return address;
        }
        for (Map.Entry<String, PredictorEvaluation.Measurement> e : predictors.entrySet()) {
            if (e.getValue().values().length != e.getValue().blocks().length) {
                return Optional.of(e.getKey() + " has " + e.getValue().values().length + " values for "
                        + e.getValue().blocks().length + " blocks");
            }
        }
        return Optional.empty();
    }
}
