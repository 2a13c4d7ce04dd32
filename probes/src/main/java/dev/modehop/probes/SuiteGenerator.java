package dev.modehop.probes;

import java.util.List;

/** Builds the rows of a suite from its spec. Must be deterministic: same spec, same rows, same order. */
public interface SuiteGenerator {
    List<ProbeItem> generate(SuiteSpec spec);
}
