package dev.modehop.core;

import java.util.Optional;

/**
 * A scorer's sign of life while it scores a checkpoint: sent when it starts and periodically after, so a slow
 * checkpoint is not taken for a missing one.
 *
 * @param itemsDone probe items scored so far (0 at the start)
 */
public record ScoringProgress(String runId, long step, String scorerId, int itemsDone, int itemsTotal,
                              long producedAt) {

    public Optional<String> problem() {
        Optional<String> address = CheckpointAddress.problem(runId, step);
        if (address.isPresent()) {
            return address;
        }
        if (itemsDone < 0 || itemsTotal < 0) {
            return Optional.of("negative item count");
        }
        return Optional.empty();
    }
}
