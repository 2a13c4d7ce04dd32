package dev.modehop.scorer.worker;

import dev.modehop.events.CheckpointReady;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every run's announced checkpoints (step to announcement: folder URI and suite), as {@code checkpoint.ready} announced them: the
 * averaging worker's way from (run, step) to the folders around it. A step announced again takes the last URI.
 */
public final class CheckpointIndex {
    private final Map<String, TreeMap<Long, CheckpointReady>> runs = new ConcurrentHashMap<>();

    public synchronized void add(CheckpointReady c) {
        runs.computeIfAbsent(c.getRunId(), r -> new TreeMap<>()).put(c.getStep(), c);
    }

    /** The run's announced steps, ascending; empty for an unknown run. */
    public synchronized List<Long> steps(String runId) {
        TreeMap<Long, CheckpointReady> m = runs.get(runId);
        return m == null ? List.of() : List.copyOf(m.keySet());
    }

    /** The step's announcement (folder URI, suite), or null. */
    public synchronized CheckpointReady announcement(String runId, long step) {
        TreeMap<Long, CheckpointReady> m = runs.get(runId);
        return m == null ? null : m.get(step);
    }
}
