package dev.modehop.core;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Everything the monitor keeps about one run, bounded in size. A plain bean: engines store it as they
 * like; {@link RunMonitor} holds the logic that changes it.
 */
public final class RunState {
    public String runId;
    /** Set once checkpoint.ready announced a checkpoint of this run: scores of unknown runs are rejected. */
    public boolean announced;
    /** Highest event time (producer timestamp) seen for the run; the missing-score timeout runs on it. */
    public long eventTime;
    public long lastProcessedStep = -1;
    /** An announced checkpoint was given up on: the next processed one follows a gap. */
    public boolean gapPending;
    public long skippedCheckpoints;
    public long duplicatesIgnored;

    /** Results that arrived before the run's first checkpoint.ready (a race between topics), held back. */
    public List<ProbeResult> parked = new ArrayList<>();
    public long firstParkedAt = -1;

    public TreeMap<Long, PendingCheckpoint> waiting = new TreeMap<>();
    /** Recently processed checkpoints and their result keys, to tell duplicates from late results. */
    public TreeMap<Long, List<String>> processed = new TreeMap<>();
    public TreeMap<String, SeriesState> series = new TreeMap<>();
    public TreeMap<String, Output.ModeObservation> latest = new TreeMap<>();
    public List<TrainingWindow> windows = new ArrayList<>();
    public SourceStatistics sources = new SourceStatistics();
    public CheckpointRanker.State ranking = new CheckpointRanker.State();
    public List<HopRecord> hops = new ArrayList<>();

    public RunState() {
    }

    public RunState(String runId) {
        this.runId = runId;
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
