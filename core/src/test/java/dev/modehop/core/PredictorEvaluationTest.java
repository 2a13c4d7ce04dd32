package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The predictor test on synthetic runs: a planted predictor beats the random baseline, noise does not. */
class PredictorEvaluationTest {
    private static final int CHECKPOINTS = 40;
    private static final int LAYERS = 6;

    /** A soft score that hops between two levels, like a probe family of the toy run. */
    private static TreeMap<Long, Double> soft(Random random) {
        TreeMap<Long, Double> soft = new TreeMap<>();
        for (int i = 0; i < CHECKPOINTS; i++) {
            double level = (i / 8) % 2 == 0 ? 0.8 : -0.6;
            soft.put(50L * (i + 1), level + 0.1 * random.nextGaussian());
        }
        return soft;
    }

    @Test
    void aPlantedPredictorBeatsTheBaselineAndANoisePredictorDoesNot() {
        Random random = new Random(7);
        TreeMap<Long, Double> soft = soft(random);
        Map<Long, double[]> planted = new TreeMap<>();
        Map<Long, double[]> noise = new TreeMap<>();
        for (Map.Entry<Long, Double> e : soft.entrySet()) {
            double[] p = new double[LAYERS];
            double[] n = new double[LAYERS];
            for (int l = 0; l < LAYERS; l++) {
                // layer 3 carries the signal (plus noise); the other layers are noise
                p[l] = (l == 3 ? 2 * e.getValue() : 0) + random.nextGaussian();
                n[l] = random.nextGaussian();
            }
            planted.put(e.getKey(), p);
            noise.put(e.getKey(), n);
        }
        List<PredictorEvaluation.Result> results = new PredictorEvaluation(2000).testLayers("run", Map.of("flipped", soft),
                Map.of("planted", planted, "noise", noise));
        assertEquals(2, results.size());
        PredictorEvaluation.Result n = results.get(0);
        PredictorEvaluation.Result p = results.get(1);
        assertEquals("noise", n.predictor());
        assertEquals("planted", p.predictor());
        assertEquals(3, p.bestLayer(), "the best layer is the planted one");
        assertEquals(CHECKPOINTS, p.checkpoints());
        assertEquals(LAYERS, p.layers());
        assertTrue(p.beatsBaseline(), "planted |r| " + p.bestCorrelation() + " vs p95 " + p.baselineP95());
        assertFalse(n.beatsBaseline(), "noise |r| " + n.bestCorrelation() + " vs p95 " + n.baselineP95());
        // best-of-6 selection lifts chance |r| well above what one layer gets: the baseline must see that
        assertTrue(p.baselineMean() > 0.15 && p.baselineP95() > p.baselineMean(), p.toString());
    }

    @Test
    void theBaselineGrowsWithTheNumberOfLayersSelectedFrom() {
        TreeMap<Long, Double> soft = soft(new Random(1));
        PredictorEvaluation t = new PredictorEvaluation(1000);
        double one = mean(t.baseline(values(soft), 1, new java.util.SplittableRandom(3)));
        double many = mean(t.baseline(values(soft), 12, new java.util.SplittableRandom(3)));
        assertTrue(many > one * 1.5, one + " vs " + many);
    }

    @Test
    void tooFewCommonCheckpointsGiveNoResultAndTheDrawsAreReproducible() {
        TreeMap<Long, Double> soft = soft(new Random(2));
        Map<Long, double[]> few = new TreeMap<>(Map.of(50L, new double[] {1}, 100L, new double[] {2}));
        assertTrue(new PredictorEvaluation().testLayers("run", Map.of("f", soft), Map.of("p", few)).isEmpty());
        Map<Long, double[]> all = new TreeMap<>();
        soft.forEach((step, v) -> all.put(step, new double[] {step}));
        PredictorEvaluation.Result a = new PredictorEvaluation().testLayers("run", Map.of("f", soft), Map.of("p", all)).get(0);
        PredictorEvaluation.Result b = new PredictorEvaluation().testLayers("run", Map.of("f", soft), Map.of("p", all)).get(0);
        assertEquals(a.baselineP95(), b.baselineP95());
    }

    private static double[] values(Map<Long, Double> m) {
        return m.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElseThrow();
    }

    @Test
    void theBaselineDoesNotDependOnTheSoftScoresItIsDrawnAgainst() {
        PredictorEvaluation t = new PredictorEvaluation(4000);
        double[] hopping = values(soft(new Random(9)));
        double againstHops = mean(t.baseline(hopping, 6, new java.util.SplittableRandom(11)));
        double cached = mean(t.baseline(hopping.length, 6));
        assertEquals(againstHops, cached, 0.01, "the null distribution of r is the same for any series");
        assertTrue(t.baseline(hopping.length, 6) == t.baseline(hopping.length, 6), "drawn once per shape");
    }

    @Test
    void theExactNullDistributionMatchesSimulatedRandomFeatures() {
        PredictorEvaluation t = new PredictorEvaluation(4000);
        for (int n : new int[] {4, 5, 40}) {
            double[] series = new double[n];
            for (int i = 0; i < n; i++) {
                series[i] = Math.sin(i) + 0.1 * i;
            }
            for (int layers : new int[] {1, 6}) {
                double[] simulated = t.baseline(series, layers, new java.util.SplittableRandom(5));
                double[] exact = t.nullBaseline(n, layers, new java.util.SplittableRandom(6));
                String shape = "n " + n + ", " + layers + " layers";
                assertEquals(mean(simulated), mean(exact), 0.015, "mean, " + shape);
                assertEquals(PredictorEvaluation.percentile(simulated, 0.95), PredictorEvaluation.percentile(exact, 0.95),
                        0.02, "95th percentile, " + shape);
            }
        }
    }

    @Test
    void noisePredictorsBeatTheBaselineAboutOneTimeInTwenty() {
        // the baseline's 95th percentile is a 5% test, selection included: over many noise predictors of 6
        // layers about 5% pass, whatever the soft scores look like
        Random random = new Random(21);
        TreeMap<Long, Double> soft = soft(random);
        PredictorEvaluation t = new PredictorEvaluation(1000);
        int passed = 0;
        int trials = 400;
        for (int k = 0; k < trials; k++) {
            Map<Long, double[]> noise = new TreeMap<>();
            for (Long step : soft.keySet()) {
                double[] v = new double[LAYERS];
                for (int l = 0; l < LAYERS; l++) {
                    v[l] = random.nextGaussian();
                }
                noise.put(step, v);
            }
            if (t.testLayers("run", Map.of("f", soft), Map.of("noise", noise)).get(0).beatsBaseline()) {
                passed++;
            }
        }
        double rate = (double) passed / trials;
        assertTrue(rate > 0.02 && rate < 0.09, "false positive rate " + rate);
    }
}
