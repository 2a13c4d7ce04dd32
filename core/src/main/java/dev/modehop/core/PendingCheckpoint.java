package dev.modehop.core;

import java.util.TreeSet;

/**
 * A checkpoint the monitor knows of: announced, partly scored, or both; while it waits, and for a while after
 * it was processed or skipped. Its results are stored apart ({@link RunParts}), so what is stored of it stays a
 * few numbers (the task keys it knows are kept in memory only).
 */
public final class PendingCheckpoint {
    public long step;
    public boolean announced;
    /** Event time at which the monitor first heard of it. */
    public long firstSeenAt;
    /** Event time of its last sign of life (announcement, a result, a scorer's progress); the deadline runs from here. */
    public long lastSignOfLife;
    /** How many results the scorer said it sends; -1 until the first arrives. */
    public int expectedResults = -1;
    /** Distinct results stored so far. */
    public int resultCount;
    /**
     * The task keys of the results stored so far, so that a duplicate is told, and the results are listed, without
     * asking the store. Known only to the object that filed them and not stored (stored, they would make every
     * result's write grow with the checkpoint's task count): a checkpoint created here starts with none, one
     * decoded from the store, or skipped (its results stay stored), has null, and its results are looked up.
     */
    public transient TreeSet<String> taskKeys;
    /** Given up after the timeout; its results may still complete it, as a late observation. */
    public boolean skipped;
    /** A skipped checkpoint whose results all arrived afterwards and were published late. */
    public boolean publishedLate;

    public PendingCheckpoint() {
    }

    public PendingCheckpoint(long step, long firstSeenAt) {
        this.step = step;
        this.firstSeenAt = firstSeenAt;
        this.lastSignOfLife = firstSeenAt;
        this.taskKeys = new TreeSet<>();
    }

    public boolean complete() {
        return expectedResults > 0 && resultCount >= expectedResults;
    }

    /** When the missing-scores timeout gives it up, counted from its last sign of life. */
    public long deadline(long timeoutMs) {
        return Math.max(firstSeenAt, lastSignOfLife) + timeoutMs;
    }

    void alive(long eventTime) {
        lastSignOfLife = Math.max(lastSignOfLife, eventTime);
    }
}
