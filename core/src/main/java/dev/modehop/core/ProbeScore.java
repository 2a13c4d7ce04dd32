package dev.modehop.core;

import java.util.Optional;

/**
 * Scores of one checkpoint on one (family, task). With an item count, {@code hardAccuracy} is the share
 * of binary items won by the generalizing answer; without one it is any metric value (loss, benchmark
 * accuracy) and {@code stderr}, when known, is its noise.
 *
 * @param taskCount how many results the scorer sends for this checkpoint; the checkpoint is complete
 *                  when all of them arrived
 * @param received  the record as it arrived (its value bytes, opaque to the monitor), kept only while the result
 *                  is held back for a run not yet announced: a result given up goes to the dead-letter topic as
 *                  it came, with every field, not rebuilt from the fields the monitor reads; null otherwise
 */
public record ProbeScore(String runId, long step, String suite, String family, String task, int seedCount,
                          Integer items, double hardAccuracy, double softScore, Double stderr, int taskCount,
                          long producedAt, byte[] received) {

    public ProbeScore(String runId, long step, String suite, String family, String task, int seedCount,
                       Integer items, double hardAccuracy, double softScore, Double stderr, int taskCount,
                       long producedAt) {
        this(runId, step, suite, family, task, seedCount, items, hardAccuracy, softScore, stderr, taskCount,
                producedAt, null);
    }

    /** This result without the bytes it arrived as: what the monitor keeps of a result it accepted. */
    public ProbeScore withoutReceived() {
        return received == null ? this : new ProbeScore(runId, step, suite, family, task, seedCount, items,
                hardAccuracy, softScore, stderr, taskCount, producedAt, null);
    }

    public String id() {
        return Ids.probeScore(runId, step, family, task);
    }

    public boolean hasItemCount() {
        return items != null && items > 0;
    }

    /**
     * The series this result feeds: the family for counted items (its tasks pool), family/task for plain
     * metrics, or just the family when a plain metric names itself as its only task.
     */
    public String series() {
        return hasItemCount() || family.equals(task) ? family : family + "/" + task;
    }

    public String taskKey() {
        return family + "/" + task;
    }

    public Optional<String> problem() {
        Optional<String> address = CheckpointAddress.problem(runId, step);
        if (address.isPresent()) {
            return address;
        }
        if (family == null || family.isBlank() || task == null || task.isBlank()) {
            return Optional.of("family or task is empty");
        }
        if (family.contains("/")) {
            return Optional.of("family '" + family + "' contains '/'");
        }
        if (!Double.isFinite(hardAccuracy)) {
            return Optional.of("hardAccuracy is " + hardAccuracy);
        }
        if (!Double.isFinite(softScore)) {
            return Optional.of("softScore is " + softScore);
        }
        if (stderr != null && (!Double.isFinite(stderr) || stderr < 0)) {
            return Optional.of("stderr is " + stderr);
        }
        if (items != null && items < 0) {
            return Optional.of("negative item count " + items);
        }
        if (hasItemCount() && (hardAccuracy < 0 || hardAccuracy > 1)) {
            return Optional.of("hardAccuracy " + hardAccuracy + " outside [0, 1] with an item count");
        }
        if (hasItemCount() && (softScore < -1 || softScore > 1)) {
            return Optional.of("softScore " + softScore + " outside [-1, 1]");
        }
        if (taskCount < 1) {
            return Optional.of("taskCount " + taskCount + " < 1");
        }
        return Optional.empty();
    }
}
