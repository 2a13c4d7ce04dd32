package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HopDetectorTest {
    private final OfflineDetection detection = new OfflineDetection(MonitorConfig.defaults());

    private static List<OfflineDetection.Point> family(double... accuracies) {
        List<OfflineDetection.Point> points = new ArrayList<>();
        for (int i = 0; i < accuracies.length; i++) {
            points.add(new OfflineDetection.Point("f", 100L * (i + 1), accuracies[i], 100, Double.NaN));
        }
        return points;
    }

    @Test
    void aSmallMoveIntoMixedOnFewItemsIsAHopWhenTheNextCheckpointAgrees() {
        // 0.70 -> 0.55 on 100 items is 2.7 standard deviations on one checkpoint, 3.7 on the two pooled.
        List<OfflineDetection.DetectedHop> hops = detection.detect(
                family(0.70, 0.71, 0.69, 0.70, 0.70, 0.70, 0.55, 0.54, 0.55, 0.55));
        assertEquals(1, hops.size(), hops.toString());
        OfflineDetection.DetectedHop hop = hops.get(0);
        assertEquals(6, hop.index(), "reported at the first checkpoint of the new mode");
        assertEquals(Mode.GENERALIZING, hop.from());
        assertEquals(Mode.MIXED, hop.to());
        assertEquals(600, hop.prevStep());
        assertEquals(Verdict.STABLE, hop.stability());
    }

    @Test
    void theSameMoveForOneCheckpointIsNoHop() {
        assertEquals(List.of(), detection.detect(family(0.70, 0.71, 0.69, 0.70, 0.70, 0.70, 0.55, 0.70, 0.69, 0.70)));
    }

    @Test
    void aLargeMoveIsReportedWithItsCheckpointASmallOneWithTheNext() {
        assertEquals(List.of(500L), stepsReportedAt(500, 0.90, 0.91, 0.90, 0.89, 0.50, 0.50));
        assertEquals(List.of(700L), stepsReportedAt(800, 0.70, 0.71, 0.69, 0.70, 0.70, 0.70, 0.55, 0.54));
    }

    /** Steps of the hops that the update for checkpoint {@code atStep} carries. */
    private static List<Long> stepsReportedAt(long atStep, double... accuracies) {
        HopDetector detector = new HopDetector(MonitorConfig.defaults());
        SeriesState state = new SeriesState("r", "f", false);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < accuracies.length; i++) {
            long step = 100L * (i + 1);
            SeriesUpdate u = detector.observe(state, SeriesPoint.counted(step, accuracies[i], 2 * accuracies[i] - 1, 100));
            if (u.hop() != null && step == atStep) {
                out.add(u.hop().step());
            }
        }
        return out;
    }
}
