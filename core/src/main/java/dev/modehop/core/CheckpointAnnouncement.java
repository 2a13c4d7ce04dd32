package dev.modehop.core;

import java.util.Optional;

/** A training job saved a checkpoint: from now on the monitor expects its scores. */
public record CheckpointAnnouncement(String runId, long step, long tokensSeen, String uri, long producedAt) {

    /** Why this announcement cannot be processed, if it cannot. */
    public Optional<String> problem() {
        if (runId == null || runId.isBlank()) {
            return Optional.of("runId is empty");
        }
        if (step < 0) {
            return Optional.of("negative step " + step);
        }
        if (tokensSeen < 0) {
            return Optional.of("negative tokensSeen " + tokensSeen);
        }
        if (uri == null || uri.isBlank()) {
            return Optional.of("uri is empty");
        }
        return Optional.empty();
    }
}
