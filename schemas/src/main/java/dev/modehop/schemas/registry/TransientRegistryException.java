package dev.modehop.schemas.registry;

import org.apache.kafka.common.errors.RetriableException;

/**
 * The schema registry could not answer for a while (unreachable, timing out, HTTP 5xx, 408 or 429) and the
 * client's retries with backoff ran out. The record itself may be perfectly valid, so a consumer must retry
 * it later (fail the task, restart the worker) and never dead-letter it; only {@link RegistryException}
 * (the registry answered: no such schema, incompatible, bad request) is a permanent verdict.
 *
 * <p>Deliberately not a {@code SerializationException}: code that dead-letters every decode failure would
 * otherwise dead-letter this too.
 */
public final class TransientRegistryException extends RetriableException {
    private final int status;

    public TransientRegistryException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The last HTTP status seen, or -1 when the registry could not be reached at all. */
    public int status() {
        return status;
    }
}
