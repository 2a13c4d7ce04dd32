package dev.modehop.streams;

import java.util.Locale;

/**
 * The locale a modehop process formats numbers with: {@link Locale#US}, set once by the process's entry point
 * (the CLI, the benchmarks) before any job starts.
 *
 * <p>Two reasons. What modehop prints and writes (alert texts, error lines, reports) reads the same on every
 * machine ("0.95", never "0,95"). And Kafka Streams formats a text with {@code String.format} for every input
 * partition of a task that has nothing buffered, at every record it processes, whatever the log level (the
 * monitor's task reads five topics, and most are idle most of the time). The JDK formats a number under
 * {@code Locale.US} without looking anything up; under any other locale, the plain {@code en} of a machine
 * whose {@code LANG} is {@code C.UTF-8} included, every number it formats builds its locale's decimal symbols
 * anew (about 100 ns more per number on the benchmark machine; 7% of the job's stream thread in a profile).
 */
public final class FormatLocale {
    private FormatLocale() {
    }

    /** Makes {@link Locale#US} the default for formatting (the display locale, for messages, is left alone). */
    public static void pin() {
        Locale.setDefault(Locale.Category.FORMAT, Locale.US);
    }
}
