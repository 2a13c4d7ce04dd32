package dev.modehop.core;

/**
 * The smallest change of accuracy that counts as a hop, whatever the item count says. With tens of
 * thousands of items a binomial test calls a one-point wobble significant; a hop is a move a user cares
 * about. As a noise: the standard deviation of a difference below which no noise estimate may go, so that
 * a hop at {@code hopZ} standard deviations always moves at least {@code minChange}.
 */
public record EffectSizeFloor(double minChange) {
    /**
     * Default, from the planted-hop and large-n benchmarks (bench/README.md): the largest value that keeps
     * recall on the smallest planted moves into and out of MIXED (0.10) while checkpoint wobble of 1-2
     * points on 20k-60k rows stays quiet.
     */
    public static final double DEFAULT = 0.06;

    public EffectSizeFloor {
        if (!(minChange >= 0 && minChange < 1)) {
            throw new IllegalArgumentException("minimum hop effect must be in [0, 1), got " + minChange);
        }
    }

    public double differenceStderr(double hopZ) {
        return minChange / hopZ;
    }
}
