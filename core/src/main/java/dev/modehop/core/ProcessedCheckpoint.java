package dev.modehop.core;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the monitor keeps of a checkpoint it processed, for as long as it remembers it ({@link RunState#processed}):
 * the (family, task) keys whose results it used, to tell a result sent again from a late one, and the counted
 * families' soft scores, for predictors that arrive after the checkpoint. The results themselves are dropped once
 * the checkpoint is processed: kept, they were most of what a checkpoint wrote to an engine's store (each one
 * stored, and deleted again sixteen checkpoints later), and an engine that stores parts once per commit never
 * stores the results of a checkpoint that arrived and was processed between two commits.
 */
public final class ProcessedCheckpoint {
    public long step;
    /** Task keys ({@link ProbeScore#taskKey}) of the results the checkpoint was processed with. */
    public TreeSet<String> taskKeys = new TreeSet<>();
    /** Soft score per counted family, as the checkpoint's point had it. */
    public TreeMap<String, Double> softScores = new TreeMap<>();

    public ProcessedCheckpoint() {
    }

    public ProcessedCheckpoint(long step, Collection<String> taskKeys, Map<String, Double> softScores) {
        this.step = step;
        this.taskKeys = new TreeSet<>(taskKeys);
        this.softScores = new TreeMap<>(softScores);
    }
}
