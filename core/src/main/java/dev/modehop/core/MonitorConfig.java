package dev.modehop.core;

/**
 * The knobs of the semantics, with defaults that suit probe suites of a few hundred items per family.
 *
 * @param modeBand             half-width of the hysteresis band around 0.5 (UNDECIDED inside it)
 * @param modeZ                a mode also needs its accuracy this many binomial standard errors away from 0.5
 * @param hopZ                 a hop needs the two checkpoints' accuracies this many standard errors apart
 * @param stabilityCheckpoints checkpoints after a hop that decide STABLE or TRANSIENT
 * @param changePointZ         threshold of the change-point detector for series without item counts
 * @param changePointMinDelta  smallest level change it reports, in the series' own units
 * @param changePointWindow    points of the current regime used to predict the next one
 * @param missingScoreTimeoutMs how long (in event time) to wait for an announced checkpoint's scores
 * @param leaderboardSize      checkpoints kept in the published ranking
 * @param recentHopsKept       decided hops kept per series for queries (hops whose verdict is pending are always kept)
 */
public record MonitorConfig(double modeBand, double modeZ, double hopZ, int stabilityCheckpoints,
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
        if (rules == null) {
            rules = AlertRules.none();
        }
    }

    public static MonitorConfig defaults() {
        return new MonitorConfig(0.1, 2.0, 3.0, 2, 4.0, 0.0, 6, 10 * 60_000L, 10, 20, AlertRules.none());
    }

    public MonitorConfig withRules(AlertRules newRules) {
        return new MonitorConfig(modeBand, modeZ, hopZ, stabilityCheckpoints, changePointZ, changePointMinDelta,
                changePointWindow, missingScoreTimeoutMs, leaderboardSize, recentHopsKept, newRules);
    }

    public MonitorConfig withStabilityCheckpoints(int k) {
        return new MonitorConfig(modeBand, modeZ, hopZ, k, changePointZ, changePointMinDelta,
                changePointWindow, missingScoreTimeoutMs, leaderboardSize, recentHopsKept, rules);
    }

    public MonitorConfig withMissingScoreTimeoutMs(long timeoutMs) {
        return new MonitorConfig(modeBand, modeZ, hopZ, stabilityCheckpoints, changePointZ, changePointMinDelta,
                changePointWindow, timeoutMs, leaderboardSize, recentHopsKept, rules);
    }

    public MonitorConfig withChangePointMinDelta(double minDelta) {
        return new MonitorConfig(modeBand, modeZ, hopZ, stabilityCheckpoints, changePointZ, minDelta,
                changePointWindow, missingScoreTimeoutMs, leaderboardSize, recentHopsKept, rules);
    }
}
