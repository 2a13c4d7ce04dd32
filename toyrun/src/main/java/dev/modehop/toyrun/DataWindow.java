package dev.modehop.toyrun;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A data window as the monitor sees it: the batches of steps {@code (startStep, endStep]} (optimizer steps
 * startStep+1 .. endStep consumed them), with their mixture. When announced at opening, {@code endStep}
 * is the planned end and {@code sequences}/{@code fingerprint} are 0; a control command can close a
 * window early, and the closing announcement carries the real end.
 *
 * @param fingerprint a hash of every token the window's batches held (0 while open): equal
 *                    fingerprints mean the same data
 */
public record DataWindow(String windowId, int index, long startStep, long endStep, double pIcl, long sequences,
                         long tokens, long fingerprint, boolean closed) {

    /** Source name to share, as DataWindow events carry it: {@code icl} and {@code iwl}. */
    public Map<String, Double> mixture() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(ToyTask.SOURCE_ICL, pIcl);
        m.put(ToyTask.SOURCE_IWL, 1 - pIcl);
        return m;
    }
}
