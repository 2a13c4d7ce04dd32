package dev.modehop.core;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The data a run trained on over the optimizer steps [startStep, endStep), with the mixture of its
 * sources (source name to weight).
 */
public record DataWindow(String runId, String windowId, long startStep, long endStep, long tokens,
                             Map<String, Double> mixture) {

    public DataWindow {
        mixture = mixture == null ? Map.of() : new TreeMap<>(mixture);
    }

    /**
     * Whether this window trained the model between two checkpoints: a checkpoint at step s holds
     * the model after s steps, so the steps between checkpoints a and b are a .. b-1.
     */
    public boolean trainedBetween(long fromCheckpoint, long toCheckpoint) {
        return startStep < toCheckpoint && endStep > fromCheckpoint;
    }

    public Optional<String> problem() {
        if (runId == null || runId.isBlank()) {
            return Optional.of("runId is empty");
        }
        if (windowId == null || windowId.isBlank()) {
            return Optional.of("windowId is empty");
        }
        if (startStep < 0 || endStep <= startStep) {
            return Optional.of("bad step range [" + startStep + ", " + endStep + ")");
        }
        for (Map.Entry<String, Double> e : mixture.entrySet()) {
            double w = e.getValue() == null ? Double.NaN : e.getValue();
            if (!Double.isFinite(w) || w < 0) {
                return Optional.of("mixture weight of '" + e.getKey() + "' is " + e.getValue());
            }
        }
        return Optional.empty();
    }
}
