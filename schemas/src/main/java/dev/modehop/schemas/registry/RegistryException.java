package dev.modehop.schemas.registry;

import org.apache.kafka.common.errors.SerializationException;

/** A schema registry call failed; {@link #status()} is the HTTP status, or -1 without one. */
public class RegistryException extends SerializationException {
    private final int status;

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
    }

    public RegistryException(String message) {
        super(message);
        this.status = -1;
    }

    public RegistryException(String message, int status) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
