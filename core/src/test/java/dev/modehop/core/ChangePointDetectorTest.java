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
    void levelShiftsWithKnownNoiseAreFoundPrecisely() {
        // Jumps of 3 to 8 standard errors: a suspect needs 5 scales under every plausible predictor and a
        // confirmation; the detector is built for robustness (seasons, trends, outliers), so the smaller
        // jumps are left and what it reports is right.
        List<SyntheticSeries.Series> series = SyntheticSeries.generate(3, 60, 200, 0.05);
        Totals withStderr = run(series, true);
        assertTrue(withStderr.modehop().precision() >= 0.95, withStderr.toString());
        assertTrue(withStderr.modehop().recall() >= 0.2, withStderr.toString());
        assertTrue(withStderr.modehop().precision() > withStderr.cusum().precision(), withStderr.toString());
    }

    @Test
    void beatsNoChangeCusumAndBocpdOnAnnotatedSeries() {
        List<AnnotatedSeries.Series> series = AnnotatedSeries.generate(11, 12);
        BayesianOnlineChangePoint bocpd = new BayesianOnlineChangePoint();
        double ours = 0;
        double none = 0;
        double plainCusum = 0;
        double bayes = 0;
        for (AnnotatedSeries.Series s : series) {
            List<OfflineDetection.Point> points = new ArrayList<>();
            for (int i = 0; i < s.values().length; i++) {
                points.add(new OfflineDetection.Point("s", i, s.values()[i], null, Double.NaN));
            }
            List<Integer> found = detection.detect(points).stream().map(OfflineDetection.DetectedHop::index).toList();
            ours += AnnotatedSeries.f1(s.changes(), found, 5);
            none += AnnotatedSeries.f1(s.changes(), List.of(), 5);
            plainCusum += AnnotatedSeries.f1(s.changes(), cusum.alarms(s.values(), Double.NaN), 5);
            bayes += AnnotatedSeries.f1(s.changes(), bocpd.changePoints(s.values()), 5);
        }
        String figures = "F1 sums: modehop " + ours + ", none " + none + ", CUSUM " + plainCusum + ", BOCPD " + bayes;
        assertTrue(ours > none && ours > plainCusum && ours > bayes, figures);
    }

    @Test
    void aSingleOutlierIsNotAChange() {
        List<OfflineDetection.Point> points = new ArrayList<>();
        java.util.Random r = new java.util.Random(9);
        for (int i = 0; i < 60; i++) {
            double v = 1.0 + 0.01 * r.nextGaussian() + (i == 30 ? 0.5 : 0);
            points.add(new OfflineDetection.Point("x", i, v, null, Double.NaN));
        }
        assertEquals(List.of(), detection.detect(points));
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
