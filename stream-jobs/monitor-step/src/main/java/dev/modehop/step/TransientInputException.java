package dev.modehop.step;

import org.apache.kafka.common.errors.RetriableException;

/**
 * An input could not be decoded for a reason that may pass (the schema registry unreachable or overloaded):
 * never a dead letter. Thrown out of the step so that the engine fails the task and retries the record from its
 * last committed position (Kafka Streams replaces the thread, Flink restarts from the checkpoint).
 */
public final class TransientInputException extends RetriableException {
    public TransientInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether {@code e} may pass on a retry: anything in its cause chain that Kafka marks retriable, an I/O
     * failure, an interruption (the registry client's TransientRegistryException is a RetriableException), or a
     * registry answer of 408, 429 or 5xx.
     */
    public static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetriableException || t instanceof java.io.IOException
                    || t instanceof InterruptedException) {
                return true;
            }
            if (t instanceof dev.modehop.schemas.registry.RegistryException r) {
                int s = r.status();
                if (s == 408 || s == 429 || s >= 500) {
                    return true;
                }
            }
        }
        return false;
    }
}
