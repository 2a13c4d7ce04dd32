package dev.modehop.core;

import java.util.Optional;

/**
 * What names a checkpoint in every record about one: its run id and step. The one rule for both, so that an
 * announcement, a score, a progress record and a predictor record are refused for the same reasons.
 */
public final class CheckpointAddress {
    private CheckpointAddress() {
    }

    /** Why {@code runId} and {@code step} cannot name a checkpoint, or empty when they can. */
    public static Optional<String> problem(String runId, long step) {
        if (runId == null || runId.isBlank()) {
            return Optional.of("runId is empty");
        }
        if (step < 0) {
            return Optional.of("negative step " + step);
        }
        return Optional.empty();
    }
}
