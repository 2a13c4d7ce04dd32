package dev.modehop.core;

/**
 * One series of one run as the monitor stores it, written at every checkpoint of the series: the detectors'
 * {@link SeriesState} (kept whole, so fields the detectors add travel with it) and the latest observation.
 * The series' hops are a part of their own ({@link RunParts#hops}), written only when they change.
 */
public final class SeriesEntry {
    public SeriesState state;
    public Output.ModeObservation latest;

    public SeriesEntry() {
    }

    public SeriesEntry(SeriesState state) {
        this.state = state;
    }
}
