package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ExtraBinomialDispersionTest {

    @Test
    void purelyBinomialSeriesUsuallyKeepTheirBinomialNoise() {
        Random rnd = new Random(3);
        int zero = 0;
        for (int series = 0; series < 200; series++) {
            var s = new ExtraBinomialDispersion.State();
            for (int i = 0; i < 12; i++) {
                double x = SyntheticHistories.binomial(rnd, 300, 0.7) / 300.0;
                ExtraBinomialDispersion.observe(s, x, BinomialNoise.variance(x, 300), true);
            }
            zero += ExtraBinomialDispersion.extraVariance(s) == 0 ? 1 : 0;
        }
        assertTrue(zero >= 170, "series with no extra noise estimated: " + zero + " of 200");
    }

    @Test
    void checkpointWobbleOnManyItemsIsMeasured() {
        Random rnd = new Random(4);
        var s = new ExtraBinomialDispersion.State();
        double sum = 0;
        int estimates = 0;
        for (int i = 0; i < 200; i++) {
            double x = 0.7 + 0.02 * rnd.nextGaussian() + Math.sqrt(0.21 / 10_000) * rnd.nextGaussian();
            ExtraBinomialDispersion.observe(s, x, BinomialNoise.variance(x, 10_000), true);
            if (i >= 10) {
                sum += Math.sqrt(ExtraBinomialDispersion.extraVariance(s));
                estimates++;
            }
        }
        assertEquals(0.02, sum / estimates, 0.006, "mean estimated wobble (sd)");
    }

    @Test
    void aJumpIsNotNoise() {
        var s = new ExtraBinomialDispersion.State();
        double[] values = {0.70, 0.71, 0.69, 0.70, 0.71, 0.70};
        for (double v : values) {
            ExtraBinomialDispersion.observe(s, v, BinomialNoise.variance(v, 10_000), true);
        }
        ExtraBinomialDispersion.observe(s, 0.2, BinomialNoise.variance(0.2, 10_000), false);
        ExtraBinomialDispersion.observe(s, 0.21, BinomialNoise.variance(0.21, 10_000), true);
        assertTrue(Math.sqrt(ExtraBinomialDispersion.extraVariance(s)) < 0.02, "the jump left out");
        assertEquals(6, s.differences.size());
    }
}
