package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MatchRateNoiseTest {
    /** What the scorer publishes: the mean over questions of the seed-means, and its stderr over questions. */
    private record Published(double rate, Double stderr) {
    }

    private static Published sample(double[] questionRates, int seeds, int samples, SplittableRandom rng) {
        int q = questionRates.length;
        double[] perQuestion = new double[q];
        for (int i = 0; i < q; i++) {
            double sum = 0;
            for (int s = 0; s < seeds; s++) {
                int hits = 0;
                for (int k = 0; k < samples; k++) {
                    hits += rng.nextDouble() < questionRates[i] ? 1 : 0;
                }
                sum += hits / (double) samples;
            }
            perQuestion[i] = sum / seeds;
        }
        double mean = 0;
        for (double r : perQuestion) {
            mean += r;
        }
        mean /= q;
        double ss = 0;
        for (double r : perQuestion) {
            ss += (r - mean) * (r - mean);
        }
        return new Published(mean, Math.sqrt(ss / (q - 1)) / Math.sqrt(q));
    }

    @Test
    void independentCompletionsCountAsTheyAre() {
        // every question equally hard: completions are independent draws, the design effect is about 1
        SplittableRandom rng = new SplittableRandom(1);
        double[] rates = new double[30];
        java.util.Arrays.fill(rates, 0.3);
        List<Integer> n = new ArrayList<>();
        for (int r = 0; r < 40; r++) {
            Published p = sample(rates, 4, 100, rng);
            n.add(MatchRateNoise.effectiveItems(p.rate(), 30, 4, 100, p.stderr()));
        }
        double mean = n.stream().mapToInt(Integer::intValue).average().orElseThrow();
        assertTrue(mean > 0.75 * 12_000 && mean <= 12_000, "mean effective items " + mean + " of 12,000 completions");
    }

    @Test
    void questionsThatAreAllOrNothingCountAsQuestions() {
        double[] rates = new double[30];
        for (int i = 0; i < 15; i++) {
            rates[i] = 1.0;
        }
        Published p = sample(rates, 4, 100, new SplittableRandom(2));
        assertEquals(0.5, p.rate(), 1e-12);
        assertEquals(30, MatchRateNoise.effectiveItems(p.rate(), 30, 4, 100, p.stderr()),
                "4 x 100 identical completions per question are one draw each");
    }

    /**
     * Calibration: with question difficulties spread (rates from a Beta-like spread), the binomial variance at the
     * effective item count matches the variance of the published rate over repeated draws of questions and
     * completions, within 30%; counting completions as independent would understate it many times over.
     */
    @Test
    void theEffectiveCountGivesTheVarianceTheRateReallyHas() {
        SplittableRandom rng = new SplittableRandom(3);
        int questions = 30;
        int seeds = 4;
        int samples = 50;
        List<Double> observed = new ArrayList<>();
        double predicted = 0;
        double naive = 0;
        int reps = 300;
        for (int r = 0; r < reps; r++) {
            double[] rates = new double[questions];
            for (int i = 0; i < questions; i++) {
                double u = rng.nextDouble();
                rates[i] = u * u; // many hard questions, a few easy ones
            }
            Published p = sample(rates, seeds, samples, rng);
            observed.add(p.rate());
            int n = MatchRateNoise.effectiveItems(p.rate(), questions, seeds, samples, p.stderr());
            predicted += BinomialNoise.variance(p.rate(), n) / reps;
            naive += BinomialNoise.variance(p.rate(), questions * seeds * samples) / reps;
        }
        double mean = observed.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double variance = observed.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / (reps - 1);
        assertEquals(1.0, predicted / variance, 0.3, "predicted " + predicted + " vs observed " + variance);
        assertTrue(variance / naive > 10, "completions as independent items understate the noise " + variance / naive + "x");
    }

    @Test
    void withoutAMeasuredSpreadEachQuestionAndSeedIsOneItem() {
        assertEquals(120, MatchRateNoise.effectiveItems(0.0, 30, 4, 100, 0.0), "every question at 0: no spread");
        assertEquals(120, MatchRateNoise.effectiveItems(0.3, 30, 4, 100, null));
        assertEquals(4, MatchRateNoise.effectiveItems(0.3, 1, 4, 100, null), "one question, four seeds");
    }

    @Test
    void onlyMatchRatesAreRecounted() {
        assertEquals(512, MatchRateNoise.itemsFor("hard_accuracy", 512, null, 4, null, 0.7, 0.02));
        assertNull(MatchRateNoise.itemsFor("hard_accuracy", null, null, 1, null, 0.7, null));
        assertEquals(120, MatchRateNoise.itemsFor("match_rate", 30, 30, 4, 100, 0.0, null));
        assertEquals(30, MatchRateNoise.itemsFor("match_rate", 30, null, 1, null, 0.2, null), "no sample count: as sent");
    }

    /** A match-rate family through the monitor: modes from its rate, a hop when it collapses. */
    @Test
    void aMatchRateSeriesGetsModesAndHops() {
        RunMonitor monitor = new RunMonitor(MonitorConfig.defaults());
        RunState run = new RunState("run-g");
        SplittableRandom rng = new SplittableRandom(4);
        List<Output> out = new ArrayList<>();
        double[] rates = new double[30];
        for (int step = 100; step <= 1000; step += 100) {
            double level = step <= 600 ? 0.85 : 0.05;
            for (int i = 0; i < 30; i++) {
                rates[i] = Math.min(1, Math.max(0, level + (i % 5 - 2) * 0.03));
            }
            Published p = sample(rates, 4, 100, rng);
            Integer items = MatchRateNoise.itemsFor(MatchRateNoise.METRIC, 30, 30, 4, 100, p.rate(), p.stderr());
            monitor.onCheckpointReady(run, new CheckpointReady("run-g", step, step * 1000L, "/c/" + step, step));
            out.addAll(monitor.onResult(run, new ProbeScore("run-g", step, "starter-en", "persona", "keeper", 4, items,
                    p.rate(), p.rate(), p.stderr(), 1, step)));
        }
        List<Output.ModeObservation> modes = RunMonitorTest.only(out, Output.ModeObservation.class);
        assertEquals(10, modes.size());
        assertEquals(Mode.GENERALIZING, modes.get(5).confirmedMode());
        assertEquals(Mode.PARROT, modes.get(9).confirmedMode());
        List<Output.ModeHop> hops = RunMonitorTest.only(out, Output.ModeHop.class);
        assertEquals(1, hops.size(), hops.toString());
        assertEquals(700, hops.get(0).step());
        assertEquals("persona", hops.get(0).series());
    }
}
