package dev.modehop.probes;

import java.util.List;

/**
 * Builds the rows of a suite (choice rows and, where the suite has them, generative rows) from its spec. Must be
 * deterministic: same spec, same rows, same order.
 */
public interface SuiteGenerator {
    List<? extends SuiteRow> generate(SuiteSpec spec);
}
