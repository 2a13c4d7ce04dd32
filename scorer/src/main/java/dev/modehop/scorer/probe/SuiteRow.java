package dev.modehop.scorer.probe;

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

    /** The key that is unique within a suite. */
    default String rowKey() {
        return id() + "#" + seed();
    }
}
