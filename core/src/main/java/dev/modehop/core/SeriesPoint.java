package dev.modehop.core;

/**
 * One checkpoint's value of one series. {@code items} is null for series without item counts;
 * {@code stderr} is NaN where unknown.
 */
public record SeriesPoint(long step, double value, double softScore, Integer items, double stderr, boolean gapBefore) {

    public static SeriesPoint counted(long step, double accuracy, double softScore, int items) {
        return new SeriesPoint(step, accuracy, softScore, items, Double.NaN, false);
    }

    public static SeriesPoint plain(long step, double value, double stderr) {
        return new SeriesPoint(step, value, value, null, stderr, false);
    }

    public boolean hasItems() {
        return items != null && items > 0;
    }

    public SeriesPoint afterGap() {
        return new SeriesPoint(step, value, softScore, items, stderr, true);
    }
}
