package dev.modehop.bench;

import dev.modehop.core.Cusum;
import dev.modehop.core.MonitorConfig;
import dev.modehop.core.OfflineDetection;
import dev.modehop.core.SyntheticHistories;
import dev.modehop.core.SyntheticSeries;
import java.util.ArrayList;
import java.util.List;

/**
 * Quality of detection, measured on synthetic histories with known truth: planted mode hops in binomial
 * noise (several item counts and jump sizes), false alarms without hops, and the change-point detector
 * for series without item counts against "no change points" and a plain CUSUM.
 */
public final class DetectionBenchmark {
    private DetectionBenchmark() {
    }

    public static void main(String[] args) {
        OfflineDetection detection = new OfflineDetection(MonitorConfig.defaults());
        System.out.println("## Mode hops on planted histories (40 series x 80 checkpoints per row, 3 seeds)");
        System.out.println("| items per checkpoint | min jump | planted | recall | precision | verdicts right | mean delay |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int items : new int[] {100, 200, 512}) {
            for (double jump : new double[] {0.3, 0.5}) {
                int planted = 0;
                int matched = 0;
                int detected = 0;
                int falseAlarms = 0;
                int right = 0;
                int judged = 0;
                double delaySum = 0;
                for (long seed = 1; seed <= 3; seed++) {
                    var h = SyntheticHistories.planted(seed * 31 + items, 40, 80, items, jump);
                    var found = detection.detect(h.points());
                    var s = SyntheticHistories.score(h.hops(), found);
                    planted += s.planted();
                    matched += s.matched();
                    detected += s.detected();
                    falseAlarms += s.falseAlarms();
                    right += s.verdictsRight();
                    judged += s.verdictsJudged();
                    delaySum += delay(h.hops(), found);
                }
                System.out.printf("| %d-%d | %.1f | %d | %.3f | %.3f | %.3f | %.2f checkpoints |%n", items, 2 * items,
                        jump, planted, matched / (double) planted, (detected - falseAlarms) / (double) detected,
                        right / (double) judged, delaySum / matched);
            }
        }
        System.out.println();
        System.out.println("## False hops without any mode switch (n = 200 items, 100 series x 100 checkpoints each)");
        System.out.println("| true accuracy | false hops | per 1,000 checkpoints |");
        System.out.println("|---|---|---|");
        double[][] cases = {{0.5, 0.5}, {0.55, 0.55}, {0.62, 0.62}, {0.7, 0.95}, {0.35, 0.05}};
        for (double[] c : cases) {
            List<OfflineDetection.Point> points = new ArrayList<>();
            for (int s = 0; s < 100; s++) {
                points.addAll(SyntheticHistories.noHops(1000 + s, "s" + s, 100, 200, c[0], c[1]));
            }
            int hops = detection.detect(points).size();
            System.out.printf("| %s | %d | %.2f |%n", c[0] == c[1] ? String.valueOf(c[0]) : c[0] + " -> " + c[1] + " (drift)",
                    hops, hops / 10.0);
        }
        System.out.println();
        System.out.println("## Change points of series without item counts (60 series x 200 points, jumps 3-8 sigma,");
        System.out.println("## drift up to 0.05 sigma per point; a detection matches if 0-1 points late)");
        System.out.println("| detector | noise known | precision | recall | F1 | mean delay |");
        System.out.println("|---|---|---|---|---|---|");
        List<SyntheticSeries.Series> series = SyntheticSeries.generate(3, 60, 200, 0.05);
        for (boolean stderr : new boolean[] {true, false}) {
            List<Integer> planted = new ArrayList<>();
            List<Integer> ours = new ArrayList<>();
            List<Integer> cusum = new ArrayList<>();
            int offset = 0;
            Cusum baseline = new Cusum(0.5, 5, 5);
            for (SyntheticSeries.Series s : series) {
                final int o = offset;
                s.changes().forEach(c -> planted.add(c + o));
                SyntheticSeries.detect(detection, s, stderr).forEach(d -> ours.add(d + o));
                baseline.alarms(s.values(), stderr ? s.sigma() : Double.NaN).forEach(d -> cusum.add(d + o));
                offset += s.values().length + 10;
            }
            row("none (no change points)", stderr, SyntheticSeries.match(planted, List.of(), 1));
            row("plain CUSUM (k 0.5, h 5)", stderr, SyntheticSeries.match(planted, cusum, 1));
            row("modehop change-point", stderr, SyntheticSeries.match(planted, ours, 1));
        }
    }

    private static void row(String name, boolean stderr, SyntheticSeries.Match m) {
        System.out.printf("| %s | %s | %s | %.3f | %.3f | %s |%n", name, stderr ? "yes (stderr)" : "no",
                Double.isNaN(m.precision()) ? "-" : String.format("%.3f", m.precision()), m.recall(), m.f1(),
                Double.isNaN(m.meanDelay()) ? "-" : String.format("%.2f", m.meanDelay()));
    }

    private static double delay(List<SyntheticHistories.PlantedHop> planted, List<OfflineDetection.DetectedHop> found) {
        double sum = 0;
        boolean[] used = new boolean[found.size()];
        for (var p : planted) {
            for (int j = 0; j < found.size(); j++) {
                var d = found.get(j);
                if (!used[j] && d.series().equals(p.series()) && d.direction() == p.direction() && d.index() >= p.index()
                        && d.index() <= p.index() + 1) {
                    used[j] = true;
                    sum += d.index() - p.index();
                    break;
                }
            }
        }
        return sum;
    }
}
