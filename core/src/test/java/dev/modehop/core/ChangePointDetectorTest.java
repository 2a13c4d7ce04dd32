package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangePointDetectorTest {
    private final OfflineDetection detection = new OfflineDetection(MonitorConfig.defaults());
    private final Cusum cusum = new Cusum(0.5, 5, 5);

    private record Totals(SyntheticSeries.Match modehop, SyntheticSeries.Match cusum) {
    }

    private Totals run(List<SyntheticSeries.Series> series, boolean stderr) {
        List<Integer> planted = new ArrayList<>();
        List<Integer> ours = new ArrayList<>();
        List<Integer> theirs = new ArrayList<>();
        int offset = 0;
        for (SyntheticSeries.Series s : series) {
            final int o = offset;
            s.changes().forEach(c -> planted.add(c + o));
            SyntheticSeries.detect(detection, s, stderr).forEach(d -> ours.add(d + o));
            cusum.alarms(s.values(), stderr ? s.sigma() : Double.NaN).forEach(d -> theirs.add(d + o));
            offset += s.values().length + 10;
        }
        return new Totals(SyntheticSeries.match(planted, ours, 1), SyntheticSeries.match(planted, theirs, 1));
    }

    @Test
    void beatsPlainCusumOnLevelShiftsWithDrift() {
        List<SyntheticSeries.Series> series = SyntheticSeries.generate(3, 60, 200, 0.05);
        Totals withStderr = run(series, true);
        Totals without = run(series, false);
        assertTrue(withStderr.modehop().f1() > withStderr.cusum().f1(), withStderr.toString());
        assertTrue(without.modehop().f1() > without.cusum().f1(), without.toString());
        assertTrue(withStderr.modehop().precision() >= 0.8, withStderr.toString());
    }

    @Test
    void aFlatNoisySeriesHasNoChangePoint() {
        List<SyntheticSeries.Series> flat = SyntheticSeries.generate(5, 30, 200, 0.0).stream()
                .map(s -> {
                    double[] noise = new double[s.values().length];
                    java.util.Random r = new java.util.Random(s.name().hashCode());
                    for (int i = 0; i < noise.length; i++) {
                        noise[i] = 0.5 + s.sigma() * r.nextGaussian();
                    }
                    return new SyntheticSeries.Series(s.name(), noise, s.sigma(), List.of());
                }).toList();
        int alarms = 0;
        for (SyntheticSeries.Series s : flat) {
            alarms += SyntheticSeries.detect(detection, s, true).size();
        }
        assertTrue(alarms <= 3, "false alarms in 6000 flat points: " + alarms);
    }

    @Test
    void aJumpIsReportedAtItsFirstPointAndJudgedByTheNextOnes() {
        List<OfflineDetection.Point> points = new ArrayList<>();
        double[] v = {1.0, 1.01, 0.99, 1.0, 1.02, 0.98, 1.0, 2.0, 2.01, 1.99, 2.0, 1.0, 0.99, 1.01};
        for (int i = 0; i < v.length; i++) {
            points.add(new OfflineDetection.Point("x", i * 10L, v[i], null, 0.01));
        }
        List<OfflineDetection.DetectedHop> hops = detection.detect(points);
        assertEquals(List.of(7, 11), hops.stream().map(OfflineDetection.DetectedHop::index).toList());
        assertEquals(Verdict.STABLE, hops.get(0).stability());
        assertEquals(Direction.DOWN, hops.get(1).direction());
    }
}
