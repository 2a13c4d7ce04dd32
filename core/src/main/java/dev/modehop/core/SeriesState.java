package dev.modehop.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What the monitor remembers of one series of one run between checkpoints. A plain mutable bean so that
 * engines can store it (JSON in Kafka Streams stores, bytes in Flink state); the detectors own its logic.
 */
public final class SeriesState {
    public String runId;
    public String series;
    /** True for series without item counts (the change-point detector's), false for probe families. */
    public boolean plain;

    public Mode confirmed = Mode.UNDECIDED;
    public long anchorStep = -1;
    public double anchorValue;
    public int anchorItems;
    public long lastStep = -1;
    public int observations;

    /** Change-point detector: values of the current regime (most recent last, at most the window). */
    public List<Double> regime = new ArrayList<>();
    /** Their standard errors, where known (NaN where not). */
    public List<Double> regimeStderr = new ArrayList<>();
    /** Absolute first differences of the whole series (most recent last, bounded), for a robust noise scale. */
    public List<Double> differences = new ArrayList<>();
    public double lastValue = Double.NaN;
    /** A value that left the regime by less than the one-point threshold, waiting for the next to confirm it. */
    public double suspectValue = Double.NaN;
    public double suspectStderr = Double.NaN;
    public long suspectStep = -1;
    public long suspectPrevStep = -1;
    public double suspectZ;
    public double suspectPrediction;

    public List<PendingHop> pending = new ArrayList<>();

    /** Probe families: the recent checkpoint-to-checkpoint noise (its own bounded state). */
    public ExtraBinomialDispersion.State dispersion = new ExtraBinomialDispersion.State();
    /** Probe families: the level the confirmed mode holds (its own bounded state). */
    public ModeReference.State reference = new ModeReference.State();

    public SeriesState() {
    }

    public SeriesState(String runId, String series, boolean plain) {
        this.runId = runId;
        this.series = series;
        this.plain = plain;
    }

    /** A hop whose stability is not decided yet. */
    public static final class PendingHop {
        public String hopId;
        public long step;
        public Mode to;
        public double oldLevel;
        public double newLevel;
        public int observed;
        public double sumAfter;

        public PendingHop() {
        }

        public PendingHop(String hopId, long step, Mode to, double oldLevel, double newLevel) {
            this.hopId = hopId;
            this.step = step;
            this.to = to;
            this.oldLevel = oldLevel;
            this.newLevel = newLevel;
        }
    }
}
