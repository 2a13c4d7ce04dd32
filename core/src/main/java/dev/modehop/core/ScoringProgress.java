package dev.modehop.core;

import java.util.Optional;

/**
 * A scorer's sign of life while it scores a checkpoint: sent when it starts and periodically after, so a slow
 * checkpoint is not taken for a missing one.
 *
 * @param tasksDone tasks scored so far (0 at the start)
 */
public record ScoringProgress(String runId, long step, String scorerId, int tasksDone, int taskCount,
                              long producedAt) {

    public Optional<String> problem() {
        if (runId == null || runId.isBlank()) {
            return Optional.of("runId is empty");
        }
        if (step < 0) {
            return Optional.of("negative step " + step);
        }
        if (tasksDone < 0 || taskCount < 0) {
            return Optional.of("negative task count");
        }
        return Optional.empty();
    }
}
