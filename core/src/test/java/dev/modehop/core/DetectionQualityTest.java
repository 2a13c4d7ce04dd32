package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The quality bar of hop detection on planted histories with known binomial noise. */
class DetectionQualityTest {
    private final OfflineDetection detection = new OfflineDetection(MonitorConfig.defaults());

    @Test
    void plantedHopsAreFoundWithAtMostOneCheckpointOfDelay() {
        SyntheticHistories.History h = SyntheticHistories.planted(7, 40, 80, 200, 0.3);
        SyntheticHistories.Score s = SyntheticHistories.score(h.hops(), detection.detect(h.points()));
        assertTrue(s.planted() > 300, "enough planted hops to measure: " + s);
        assertTrue(s.recall() >= 0.95, "recall " + s);
        assertTrue(s.precision() >= 0.95, "precision " + s);
    }

    @Test
    void dipsAreTransientAndLastingSwitchesStable() {
        SyntheticHistories.History h = SyntheticHistories.planted(11, 40, 80, 200, 0.3);
        SyntheticHistories.Score s = SyntheticHistories.score(h.hops(), detection.detect(h.points()));
        assertTrue(s.verdictAccuracy() >= 0.95, "verdicts " + s);
        long transientPlanted = h.hops().stream().filter(p -> p.expected() == Verdict.TRANSIENT).count();
        assertTrue(transientPlanted > 30, "enough dips planted: " + transientPlanted);
    }

    @Test
    void slowDriftsInsideAModeGiveNoHops() {
        List<OfflineDetection.Point> points = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            points.addAll(SyntheticHistories.noHops(300 + s, "drift" + s, 100, 200, 0.70, 0.95));
            points.addAll(SyntheticHistories.noHops(400 + s, "parrotDrift" + s, 100, 200, 0.35, 0.05));
        }
        assertEquals(List.of(), detection.detect(points), "4000 checkpoints drifting inside one mode");
    }

    @Test
    void seriesAtTheEdgeOfTheBandOrAtChanceRarelyHop() {
        // 0.62 sits two points above the GENERALIZING / MIXED edge and 0.5 is MIXED itself: a hop needs one
        // checkpoint 3.5 standard errors off, so a few per 10,000 checkpoints remain (README: measured).
        List<OfflineDetection.Point> points = new ArrayList<>();
        for (int s = 0; s < 50; s++) {
            points.addAll(SyntheticHistories.noHops(200 + s, "nearBand" + s, 100, 200, 0.62, 0.62));
            points.addAll(SyntheticHistories.noHops(100 + s, "chance" + s, 100, 200, 0.5, 0.5));
        }
        double rate = detection.detect(points).size() / 10_000.0;
        assertTrue(rate <= 0.002, "false hops per checkpoint near the band and at chance: " + rate);
    }

    @Test
    void hopsBetweenAllThreeModesAreFound() {
        SyntheticHistories.Score all = new SyntheticHistories.Score(0, 0, 0, 0, 0, 0);
        int mixedPlanted = 0;
        int mixedMatched = 0;
        for (long seed = 1; seed <= 2; seed++) {
            SyntheticHistories.History h = SyntheticHistories.plantedThreeModes(seed, 40, 80, 100, 2000, 0.1, 0);
            var found = detection.detect(h.points());
            all = all.plus(SyntheticHistories.score(h.hops(), found));
            for (var m : SyntheticHistories.matches(h.hops(), found).entrySet()) {
                if (m.getKey().from() == Mode.MIXED || m.getKey().to() == Mode.MIXED) {
                    mixedPlanted++;
                    mixedMatched += m.getValue() == null ? 0 : 1;
                }
            }
        }
        assertTrue(mixedPlanted > 300, "enough hops into and out of MIXED: " + mixedPlanted);
        assertTrue(all.recall() >= 0.96, "recall " + all);
        assertTrue(mixedMatched / (double) mixedPlanted >= 0.95, "MIXED recall " + mixedMatched + "/" + mixedPlanted);
        assertTrue(all.precision() >= 0.98, "precision " + all);
    }

    @Test
    void wobbleOnManyItemsIsNoHopButRealHopsAre() {
        // 20k-60k rows per checkpoint: binomially a 0.5-point move is significant; 2 points of checkpoint
        // wobble must not be a hop (the dispersion estimate and the effect-size floor), moves of 0.15 must.
        var quiet = SyntheticHistories.largeN(5, 10, 60, 20_000, 60_000, 4, 0.02, false, 0.15);
        assertTrue(detection.detect(quiet.points()).size() <= 1, "false hops in 600 wobbling checkpoints");
        var moving = SyntheticHistories.largeN(6, 10, 60, 20_000, 60_000, 4, 0.02, true, 0.15);
        SyntheticHistories.Score s = SyntheticHistories.score(moving.hops(), detection.detect(moving.points()));
        assertTrue(s.planted() > 30, "enough hops: " + s);
        assertTrue(s.recall() >= 0.95, "recall " + s);
    }
}
