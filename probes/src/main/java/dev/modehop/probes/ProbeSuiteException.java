package dev.modehop.probes;

/** A probe suite that cannot be found, read or trusted; the message names the file and, for rows, the line. */
public class ProbeSuiteException extends RuntimeException {
    public ProbeSuiteException(String message) {
        super(message);
    }

    public ProbeSuiteException(String message, Throwable cause) {
        super(message, cause);
    }

    static ProbeSuiteException atLine(String file, int line, String problem) {
        return new ProbeSuiteException(file + ":" + line + ": " + problem);
    }
}
