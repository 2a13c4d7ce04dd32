package dev.modehop.core;

import java.util.TreeMap;

/** A checkpoint the monitor knows of but has not processed: announced, partly scored, or both. */
public final class PendingCheckpoint {
    public long step;
    public boolean announced;
    /** Event time at which the monitor first heard of it; the missing-score timeout counts from here. */
    public long firstSeenAt;
    /** How many results the scorer said it sends; -1 until the first arrives. */
    public int expectedResults = -1;
    /** Results so far, by family/task. */
    public TreeMap<String, ProbeResult> results = new TreeMap<>();

    public PendingCheckpoint() {
    }

    public PendingCheckpoint(long step, long firstSeenAt) {
        this.step = step;
        this.firstSeenAt = firstSeenAt;
    }

    public boolean complete() {
        return expectedResults > 0 && results.size() >= expectedResults;
    }
}
