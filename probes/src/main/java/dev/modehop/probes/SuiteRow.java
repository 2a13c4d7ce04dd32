package dev.modehop.probes;

/**
 * A line of a probe suite, of either kind: a choice row ({@link ProbeItem}, scored teacher-forced) or a
 * generative row ({@link GenerativeItem}, sampled and matched). {@code (id, seed)} is unique in a suite.
 */
public interface SuiteRow {
    String id();

    String family();

    String task();

    int seed();

    /** What is wrong with this row, or null when it is well formed. */
    String problem();

    /** What is wrong with the fields both kinds share (id, family, task, seed), or null. */
    default String keyProblem() {
        if (id().isBlank()) {
            return "empty id";
        }
        if (!Names.isValid(family())) {
            return "family '" + family() + "' must match " + Names.PATTERN;
        }
        if (!Names.isValid(task())) {
            return "task '" + task() + "' must match " + Names.PATTERN;
        }
        if (seed() < 0) {
            return "negative seed " + seed();
        }
        return null;
    }

    /** The key that is unique within a suite. */
    default String rowKey() {
        return id() + "#" + seed();
    }
}
