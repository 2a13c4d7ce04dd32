package dev.modehop.core;

import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the monitor keeps about one run on every record: a few counters and the checkpoints in flight, each a
 * few numbers. Series, results, windows and ranking live in {@link RunParts}, attached with {@link #attach}
 * (in memory by default). A plain bean: engines store it as they like; {@link RunMonitor} holds the logic.
 */
public final class RunState {
    public String runId;
    /** Set once checkpoint.ready announced a checkpoint of this run: scores of unknown runs are rejected. */
    public boolean announced;
    /** Highest event time (producer timestamp) seen for the run; the missing-score timeout runs on it. */
    public long eventTime;
    /** Event time of the run's last input record; a run expires some time after it (engines decide how long). */
    public long lastInputAt;
    public long lastProcessedStep = -1;
    /** An announced checkpoint was given up on: the next processed one follows a gap. */
    public boolean gapPending;
    public long skippedCheckpoints;
    public long duplicatesIgnored;
    public long lateCheckpoints;

    /**
     * Results that arrived before the run's first checkpoint.ready (a race between topics): held back in
     * {@link #waiting} until the announcement comes or the timeout passes.
     */
    public int parkedCount;
    public long firstParkedAt = -1;

    public TreeMap<Long, PendingCheckpoint> waiting = new TreeMap<>();
    /** Steps of recently processed or skipped checkpoints; their results stay stored, to tell duplicates from late ones. */
    public TreeSet<Long> processed = new TreeSet<>();
    /** The skipped ones among them, still able to complete late. */
    public TreeMap<Long, PendingCheckpoint> skipped = new TreeMap<>();
    /** Whether the run ever stored series or extras (a run that only saw rejected records stores nothing). */
    public boolean hasParts;

    private transient RunParts parts;

    public RunState() {
    }

    public RunState(String runId) {
        this.runId = runId;
    }

    /** Where the run's parts live; engines attach their store after decoding the state. */
    public RunState attach(RunParts runParts) {
        this.parts = runParts;
        return this;
    }

    public RunParts parts() {
        if (parts == null) {
            parts = RunParts.inMemory();
        }
        return parts;
    }

    /** Nothing worth keeping: no announcement, nothing waiting, nothing stored. */
    public boolean holdsNothing() {
        return !announced && waiting.isEmpty() && processed.isEmpty() && !hasParts;
    }

    /** A detected hop and its verdict so far, for queries. */
    public static final class HopRecord {
        public Output.ModeHop hop;
        public Verdict verdict = Verdict.PENDING;
        public long decidedAtStep = -1;

        public HopRecord() {
        }

        public HopRecord(Output.ModeHop hop) {
            this.hop = hop;
        }
    }
}
