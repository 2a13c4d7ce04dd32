package dev.modehop.launcher;

import dev.modehop.producers.sdk.UndeliveredRecordsException;
import java.io.PrintStream;

/**
 * How a publishing command ends when the broker did not take everything: one error line with the count of
 * records not written, and exit code 2, never 0.
 */
final class NotDelivered {
    static final int EXIT_CODE = 2;

    private NotDelivered() {
    }

    static int report(String command, UndeliveredRecordsException e, PrintStream err) {
        err.println("modehop: error: " + command + ": " + e.getMessage());
        return EXIT_CODE;
    }
}
