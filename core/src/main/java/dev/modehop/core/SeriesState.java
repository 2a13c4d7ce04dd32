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

    /** Series without item counts: the change-point detector's own bounded state. */
    public ChangePointDetector.State changePoint = new ChangePointDetector.State();

    public List<PendingHop> pending = new ArrayList<>();

    /** Probe families: the recent checkpoint-to-checkpoint noise (its own bounded state). */
    public ExtraBinomialDispersion.State dispersion = new ExtraBinomialDispersion.State();
    /** Probe families: the level the confirmed mode holds (its own bounded state). */
    public ModeReference.State reference = new ModeReference.State();
    /** Probe families: a checkpoint of another mode whose move the next checkpoint decides (null if none). */
    public HopDetector.Suspect suspect;

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
