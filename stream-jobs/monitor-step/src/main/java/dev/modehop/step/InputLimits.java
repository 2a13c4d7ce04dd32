package dev.modehop.step;

import java.util.Map;

/**
 * Sizes no real input comes near, checked before a record reaches the monitor: a value beyond them would be
 * copied into state and into every output about its run (a 600 KB family name makes a 1.2 MB mode.observed
 * record, beyond what the broker accepts). Such a record goes to its dead-letter topic with the limit named.
 */
public final class InputLimits {
    /** Run ids, window ids, checkpoint ids and scorer ids, in characters. */
    public static final int MAX_ID = 256;
    /** Suite, family and task names, in characters. */
    public static final int MAX_NAME = 256;
    /** A checkpoint's uri, in characters. */
    public static final int MAX_URI = 4_096;
    /** Entries of a data window's mixture. */
    public static final int MAX_MIXTURE_ENTRIES = 256;
    /** Values of a per-block predictor (one per transformer block). */
    public static final int MAX_BLOCKS = 1_024;

    private InputLimits() {
    }

    /** Null when within the limit, else the problem. */
    static String tooLong(String field, String value, int max) {
        return value != null && value.length() > max
                ? field + " is " + value.length() + " characters, more than the limit of " + max : null;
    }

    static String mixture(Map<String, Double> mixture) {
        if (mixture == null) {
            return null;
        }
        if (mixture.size() > MAX_MIXTURE_ENTRIES) {
            return "mixture has " + mixture.size() + " entries, more than the limit of " + MAX_MIXTURE_ENTRIES;
        }
        for (String source : mixture.keySet()) {
            String p = tooLong("mixture source name", source, MAX_NAME);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    static String blocks(String field, java.util.List<Double> values) {
        return values != null && values.size() > MAX_BLOCKS
                ? field + " has " + values.size() + " values, more than the limit of " + MAX_BLOCKS : null;
    }

    static String first(String... problems) {
        for (String p : problems) {
            if (p != null) {
                return p;
            }
        }
        return null;
    }
}
