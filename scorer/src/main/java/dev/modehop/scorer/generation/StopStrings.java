package dev.modehop.scorer.generation;

import java.util.List;

/**
 * Where a completion's text ends: before the earliest occurrence of any stop string. Checked on the decoded text
 * of the whole completion so far, not token by token, so a stop string split across tokens ("\n" + "Q:") is found.
 */
public final class StopStrings {
    private final List<String> stops;

    public StopStrings(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /** The index in {@code text} where the earliest stop string starts, or -1 when none occurs. */
    public int cut(String text) {
        int best = -1;
        for (String s : stops) {
            int at = text.indexOf(s);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    public boolean isEmpty() {
        return stops.isEmpty();
    }
}
