package dev.modehop.core;

/**
 * The knobs of the semantics, with defaults that suit probe suites of a few hundred items per family.
 *
 * @param modeBand             half-width of the hysteresis band around 0.5 (UNDECIDED inside it)
 * @param modeZ                a mode also needs its accuracy this many binomial standard errors away from 0.5
 * @param hopZ                 a hop needs the two checkpoints' accuracies this many standard errors apart
 * @param hopMinEffect         ... and at least this far apart in accuracy (the effect-size floor)
 * @param stabilityCheckpoints checkpoints after a hop that decide STABLE or TRANSIENT
 * @param changePointZ         series without item counts: a value this many error scales off its prediction is a suspect
 * @param changePointMinDelta  smallest level change it reports, in the series' own units
 * @param changePointWindow    points of the current regime its mean and trend predictors use
 * @param missingScoreTimeoutMs how long (in event time) to wait for an announced checkpoint's scores
 * @param leaderboardSize      checkpoints kept in the published ranking
 * @param recentHopsKept       decided hops kept per series for queries (hops whose verdict is pending are always kept)
 */
public record MonitorConfig(double modeBand, double modeZ, double hopZ, double hopMinEffect, int stabilityCheckpoints,
                            double changePointZ, double changePointMinDelta, int changePointWindow,
                            long missingScoreTimeoutMs, int leaderboardSize, int recentHopsKept, AlertRules rules) {

    public MonitorConfig {
        if (modeBand < 0 || modeBand >= 0.5) {
            throw new IllegalArgumentException("modeBand must be in [0, 0.5), got " + modeBand);
        }
        if (stabilityCheckpoints < 1) {
            throw new IllegalArgumentException("stabilityCheckpoints must be >= 1, got " + stabilityCheckpoints);
        }
        if (changePointWindow < 2) {
            throw new IllegalArgumentException("changePointWindow must be >= 2, got " + changePointWindow);
        }
        new EffectSizeFloor(hopMinEffect);
        if (rules == null) {
            rules = AlertRules.none();
        }
    }

    public static MonitorConfig defaults() {
        return new MonitorConfig(0.1, 2.0, 3.5, EffectSizeFloor.DEFAULT, 2, 5.0, 0.0, 32, 10 * 60_000L, 10, 20, AlertRules.none());
    }

    /** A builder starting from the defaults ({@link #defaults()}). */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from this record's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The record's fields by name, from the values it was made from; {@link #build()} checks them. */
    public static final class Builder {
        private double modeBand;
        private double modeZ;
        private double hopZ;
        private double hopMinEffect;
        private int stabilityCheckpoints;
        private double changePointZ;
        private double changePointMinDelta;
        private int changePointWindow;
        private long missingScoreTimeoutMs;
        private int leaderboardSize;
        private int recentHopsKept;
        private AlertRules rules;

        private Builder(MonitorConfig from) {
            modeBand = from.modeBand;
            modeZ = from.modeZ;
            hopZ = from.hopZ;
            hopMinEffect = from.hopMinEffect;
            stabilityCheckpoints = from.stabilityCheckpoints;
            changePointZ = from.changePointZ;
            changePointMinDelta = from.changePointMinDelta;
            changePointWindow = from.changePointWindow;
            missingScoreTimeoutMs = from.missingScoreTimeoutMs;
            leaderboardSize = from.leaderboardSize;
            recentHopsKept = from.recentHopsKept;
            rules = from.rules;
        }

        public Builder modeBand(double modeBand) {
            this.modeBand = modeBand;
            return this;
        }

        public Builder modeZ(double modeZ) {
            this.modeZ = modeZ;
            return this;
        }

        public Builder hopZ(double hopZ) {
            this.hopZ = hopZ;
            return this;
        }

        public Builder hopMinEffect(double hopMinEffect) {
            this.hopMinEffect = hopMinEffect;
            return this;
        }

        public Builder stabilityCheckpoints(int stabilityCheckpoints) {
            this.stabilityCheckpoints = stabilityCheckpoints;
            return this;
        }

        public Builder changePointZ(double changePointZ) {
            this.changePointZ = changePointZ;
            return this;
        }

        public Builder changePointMinDelta(double changePointMinDelta) {
            this.changePointMinDelta = changePointMinDelta;
            return this;
        }

        public Builder changePointWindow(int changePointWindow) {
            this.changePointWindow = changePointWindow;
            return this;
        }

        public Builder missingScoreTimeoutMs(long missingScoreTimeoutMs) {
            this.missingScoreTimeoutMs = missingScoreTimeoutMs;
            return this;
        }

        public Builder leaderboardSize(int leaderboardSize) {
            this.leaderboardSize = leaderboardSize;
            return this;
        }

        public Builder recentHopsKept(int recentHopsKept) {
            this.recentHopsKept = recentHopsKept;
            return this;
        }

        public Builder rules(AlertRules rules) {
            this.rules = rules;
            return this;
        }

        public MonitorConfig build() {
            return new MonitorConfig(modeBand, modeZ, hopZ, hopMinEffect, stabilityCheckpoints, changePointZ,
                    changePointMinDelta, changePointWindow, missingScoreTimeoutMs, leaderboardSize, recentHopsKept,
                    rules);
        }
    }
}
