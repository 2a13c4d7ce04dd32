package dev.modehop.core;

import java.util.Optional;

/** A training job saved a checkpoint: from now on the monitor expects its scores. */
public record CheckpointReady(String runId, long step, long tokensSeen, String uri, long producedAt) {

    /**
     * The URI scheme of an announcement replayed from a recorded history ({@code replay:SOURCE#stepN}): its scores
     * come with the history, there is no folder, and a scorer has nothing to do with it.
     */
    public static final String RECORDED_SCHEME = "replay:";

    public static String recordedUri(String source, long step) {
        return RECORDED_SCHEME + source + "#step" + step;
    }

    public static boolean isRecorded(String uri) {
        return uri != null && uri.startsWith(RECORDED_SCHEME);
    }

    /** Why this announcement cannot be processed, if it cannot. */
    public Optional<String> problem() {
        Optional<String> address = CheckpointAddress.problem(runId, step);
        if (address.isPresent()) {
            return address;
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
