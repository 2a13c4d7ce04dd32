package dev.modehop.core;

/**
 * Reads one checkpoint's mode from its hard accuracy and its noise. GENERALIZING and PARROT need a margin
 * (outside the band around 0.5) and evidence (the margin is at least {@code minZ} standard errors); MIXED
 * needs the accuracy inside the band and a standard error small enough that {@code minZ} of them fit in
 * the band, so that "near chance" is a measurement and not the absence of one. Anything else is UNDECIDED.
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

    /** With binomial noise only. */
    public Mode classify(double hardAccuracy, int items) {
        return classify(hardAccuracy, Math.sqrt(0.25 / items));
    }

    /** {@code chanceStderr}: the accuracy's standard error were the model at chance (binomial or larger). */
    public Mode classify(double hardAccuracy, double chanceStderr) {
        double margin = hardAccuracy - 0.5;
        if (hardAccuracy >= 0.5 + band && margin >= minZ * chanceStderr) {
            return Mode.GENERALIZING;
        }
        if (hardAccuracy <= 0.5 - band && -margin >= minZ * chanceStderr) {
            return Mode.PARROT;
        }
        if (hardAccuracy > 0.5 - band && hardAccuracy < 0.5 + band && minZ * chanceStderr <= band) {
            return Mode.MIXED;
        }
        return Mode.UNDECIDED;
    }
}
