package dev.modehop.core;

/**
 * Reads one checkpoint's mode from its hard accuracy. A mode needs both a margin (outside the
 * hysteresis band around 0.5) and evidence (enough items for the margin not to be noise).
 */
public final class ModeClassifier {
    private final double band;
    private final double minZ;

    public ModeClassifier(double band, double minZ) {
        this.band = band;
        this.minZ = minZ;
    }

    public ModeClassifier(MonitorConfig config) {
        this(config.modeBand(), config.modeZ());
    }

    public Mode classify(double hardAccuracy, int items) {
        double z = BinomialNoise.zFromChance(hardAccuracy, items);
        if (hardAccuracy >= 0.5 + band && z >= minZ) {
            return Mode.GENERALIZING;
        }
        if (hardAccuracy <= 0.5 - band && z <= -minZ) {
            return Mode.PARROT;
        }
        return Mode.UNDECIDED;
    }
}
