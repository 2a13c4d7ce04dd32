package dev.modehop.producers.sdk;

/**
 * Some records were not written: the broker did not acknowledge them (with {@code acks=all}, every in-sync
 * replica) within the delivery timeout, or they could not even be encoded. {@link #notWritten()} of
 * {@link #attempted()} are missing; whatever was acknowledged is on the topic exactly once (idempotent producer).
 */
public final class UndeliveredRecordsException extends RuntimeException {
    private final long notWritten;
    private final long attempted;

    public UndeliveredRecordsException(long notWritten, long attempted, Throwable firstError) {
        super(notWritten + " of " + attempted + " records not written"
                + (firstError == null ? "" : " (first error: " + describe(firstError) + ")"), firstError);
        this.notWritten = notWritten;
        this.attempted = attempted;
    }

    public long notWritten() {
        return notWritten;
    }

    public long attempted() {
        return attempted;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
