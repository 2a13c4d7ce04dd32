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
            points.addAll(SyntheticHistories.noHops(200 + s, "nearBand" + s, 100, 200, 0.62, 0.62));
            points.addAll(SyntheticHistories.noHops(300 + s, "drift" + s, 100, 200, 0.70, 0.95));
            points.addAll(SyntheticHistories.noHops(400 + s, "parrotDrift" + s, 100, 200, 0.35, 0.05));
        }
        assertEquals(List.of(), detection.detect(points), "6000 checkpoints drifting inside one mode");
    }

    @Test
    void pureChanceRarelyHops() {
        // A model truly at 50% has no mode; two extreme draws in a row (3 standard errors each way) can
        // still look like a hop. The rate is measured here and reported in the README.
        List<OfflineDetection.Point> points = new ArrayList<>();
        for (int s = 0; s < 50; s++) {
            points.addAll(SyntheticHistories.noHops(100 + s, "chance" + s, 100, 200, 0.5, 0.5));
        }
        double rate = detection.detect(points).size() / 5000.0;
        assertTrue(rate <= 0.002, "false hops per checkpoint at chance: " + rate);
    }
}
