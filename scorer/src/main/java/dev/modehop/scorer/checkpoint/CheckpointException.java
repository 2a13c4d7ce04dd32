package dev.modehop.scorer.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint folder that cannot be used: unknown architecture, missing or corrupt file, tensor of the
 * wrong shape. The message always names the offending file, so a worker can route the checkpoint to its
 * dead-letter topic with a reason a person can act on.
 */
public class CheckpointException extends RuntimeException {
    private final Path file;

    public CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"), cause);
        this.file = file;
    }

    /** The file that is missing or wrong. */
    public Path file() {
        return file;
    }
}
