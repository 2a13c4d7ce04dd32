package dev.modehop.launcher.history;

/** A history file cannot be read; the message names the file and, where known, the line. */
public class HistoryException extends Exception {
    public HistoryException(String message) {
        super(message);
    }

    public HistoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
