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

    public MonitorConfig withRules(AlertRules newRules) {
        return new MonitorConfig(modeBand, modeZ, hopZ, hopMinEffect, stabilityCheckpoints, changePointZ, changePointMinDelta,
                changePointWindow, missingScoreTimeoutMs, leaderboardSize, recentHopsKept, newRules);
    }

    public MonitorConfig withHopMinEffect(double minEffect) {
        return new MonitorConfig(modeBand, modeZ, hopZ, minEffect, stabilityCheckpoints, changePointZ, changePointMinDelta,
                changePointWindow, missingScoreTimeoutMs, leaderboardSize, recentHopsKept, rules);
    }

    public MonitorConfig withStabilityCheckpoints(int k) {
        return new MonitorConfig(modeBand, modeZ, hopZ, hopMinEffect, k, changePointZ, changePointMinDelta,
                changePointWindow, missingScoreTimeoutMs, leaderboardSize, recentHopsKept, rules);
    }

    public MonitorConfig withMissingScoreTimeoutMs(long timeoutMs) {
        return new MonitorConfig(modeBand, modeZ, hopZ, hopMinEffect, stabilityCheckpoints, changePointZ, changePointMinDelta,
                changePointWindow, timeoutMs, leaderboardSize, recentHopsKept, rules);
    }

    public MonitorConfig withChangePointMinDelta(double minDelta) {
        return new MonitorConfig(modeBand, modeZ, hopZ, hopMinEffect, stabilityCheckpoints, changePointZ, minDelta,
                changePointWindow, missingScoreTimeoutMs, leaderboardSize, recentHopsKept, rules);
    }
}
