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
     * {@link #waitingSteps} until the announcement comes or the timeout passes.
     */
    public int parkedCount;
    public long firstParkedAt = -1;

    /**
     * Steps of the checkpoints in flight (announced, partly scored, or held back), in step order; each one's
     * {@link PendingCheckpoint} is a part of its own ({@link RunParts#pending}), so a record that concerns one
     * checkpoint reads and writes that one alone however many wait (a training job announces faster than a
     * scorer scores).
     */
    public TreeSet<Long> waitingSteps = new TreeSet<>();
    /**
     * Checkpoints in flight as states written before they were parts kept them, inline; null otherwise. Whoever
     * loads such a state moves them to parts ({@link #moveInlineWaiting}).
     */
    public TreeMap<Long, PendingCheckpoint> waiting;
    /**
     * Steps of recently processed or skipped checkpoints, to tell duplicates from late results: what is kept of a
     * processed one ({@link ProcessedCheckpoint}) and a skipped one's results stay stored while it is here.
     */
    public TreeSet<Long> processed = new TreeSet<>();
    /** The skipped ones among them, still able to complete late. */
    public TreeMap<Long, PendingCheckpoint> skipped = new TreeMap<>();
    /** Whether the run ever stored other parts (a run that only saw rejected records stores nothing). */
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
        return !announced && waitingSteps.isEmpty() && processed.isEmpty() && !hasParts;
    }

    /** A state written with its checkpoints in flight inline: they become parts, as a current state keeps them. */
    public void moveInlineWaiting() {
        if (waiting == null) {
            return;
        }
        for (PendingCheckpoint pc : waiting.values()) {
            parts().savePending(pc);
            waitingSteps.add(pc.step);
        }
        waiting = null;
    }

    /**
     * A detected hop and its verdict so far, for queries. Of a series' hops, every one whose verdict is
     * pending is kept (a verdict is never dropped), of decided ones only the most recent
     * {@link MonitorConfig#recentHopsKept()}: bounded by the stability window per series, not by the run's length.
     */
    public static final class HopRecord {
        public Output.ModeHop hop;
        public Verdict verdict = Verdict.PENDING;
        public long decidedAtStep = -1;

        public HopRecord() {
        }

        public HopRecord(Output.ModeHop hop) {
            this.hop = hop;
        }

        static HopRecord find(java.util.List<HopRecord> hops, String hopId) {
            for (int i = hops.size() - 1; i >= 0; i--) {
                if (hops.get(i).hop.id().equals(hopId)) {
                    return hops.get(i);
                }
            }
            return null;
        }

        /** Drops the oldest decided hops beyond {@code keptDecided}; pending ones always stay. */
        static void trimDecided(java.util.List<HopRecord> hops, int keptDecided) {
            int decided = 0;
            for (HopRecord h : hops) {
                decided += h.verdict != Verdict.PENDING ? 1 : 0;
            }
            for (int i = 0; i < hops.size() && decided > keptDecided; ) {
                if (hops.get(i).verdict != Verdict.PENDING) {
                    hops.remove(i);
                    decided--;
                } else {
                    i++;
                }
            }
        }
    }
}
