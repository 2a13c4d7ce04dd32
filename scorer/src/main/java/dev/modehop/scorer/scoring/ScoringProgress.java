package dev.modehop.scorer.scoring;

/**
 * Where a scoring pass stands. An item (row) is done when both of its candidates are scored.
 *
 * @param tokens input tokens fed so far, padding excluded
 */
public record ScoringProgress(int itemsDone, int itemsTotal, long tokens, double elapsedSeconds) {

    public double itemsPerSecond() {
        return elapsedSeconds > 0 ? itemsDone / elapsedSeconds : 0;
    }

    public double tokensPerSecond() {
        return elapsedSeconds > 0 ? tokens / elapsedSeconds : 0;
    }

    /** Seconds left at the rate so far; NaN before the first item is done. */
    public double etaSeconds() {
        return itemsDone > 0 ? (itemsTotal - itemsDone) / itemsPerSecond() : Double.NaN;
    }

    public boolean finished() {
        return itemsDone == itemsTotal;
    }

    /** e.g. {@code 1200/4080 items (29%), 85.3 items/s, 9120 tokens/s, ETA 34 s}. */
    public String describe() {
        double eta = etaSeconds();
        return String.format(java.util.Locale.ROOT, "%d/%d items (%d%%), %.1f items/s, %.0f tokens/s, %s",
                itemsDone, itemsTotal, itemsTotal == 0 ? 100 : (int) (100L * itemsDone / itemsTotal),
                itemsPerSecond(), tokensPerSecond(),
                finished() ? String.format(java.util.Locale.ROOT, "done in %.1f s", elapsedSeconds)
                        : Double.isNaN(eta) ? "ETA ?" : String.format(java.util.Locale.ROOT, "ETA %.0f s", eta));
    }
}
