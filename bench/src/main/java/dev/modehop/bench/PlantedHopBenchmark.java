package dev.modehop.bench;

import dev.modehop.core.Mode;
import dev.modehop.core.MonitorConfig;
import dev.modehop.core.OfflineDetection;
import dev.modehop.core.SyntheticHistories;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mode hops between GENERALIZING, MIXED and PARROT on planted histories: 100-2000 items per checkpoint
 * with binomial noise, and GDsuite-sized series (20k-60k rows, 4 correlated seeds per question) with
 * checkpoint wobble of 1-2 points, with and without hops. Also sweeps the effect-size floor, which is how
 * its default was chosen.
 */
public final class PlantedHopBenchmark {
    private PlantedHopBenchmark() {
    }

    public static void main(String[] args) {
        MonitorConfig config = MonitorConfig.defaults();
        boolean sweep = List.of(args).contains("--sweep");
        System.out.println("## Three modes, planted hops (3 seeds x 60 series x 80 checkpoints per row, min jump 0.1,"
                + " items log-uniform per series)");
        System.out.println("| items per checkpoint | hop min effect | planted | recall | precision | to/from MIXED recall |"
                + " pole-to-pole recall | verdicts right | mean delay |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        double[] effects = sweep ? new double[] {0.0, 0.04, 0.05, 0.06, 0.08, 0.10} : new double[] {config.hopMinEffect()};
        for (double effect : effects) {
            OfflineDetection detection = new OfflineDetection(config.toBuilder().hopMinEffect(effect).build());
            for (int[] items : new int[][] {{100, 2000}, {100, 300}, {300, 2000}}) {
                Tally t = new Tally();
                for (long seed = 1; seed <= 3; seed++) {
                    var h = SyntheticHistories.plantedThreeModes(seed * 97 + items[0], 60, 80, items[0], items[1], 0.1, 0);
                    t.add(h, detection.detect(h.points()));
                }
                System.out.printf(Locale.ROOT, "| %d-%d | %.2f | %d | %.3f | %.3f | %s | %s | %.3f | %.2f |%n",
                        items[0], items[1], effect, t.total.planted(), t.total.recall(), t.total.precision(),
                        t.classRecall(true), t.classRecall(false), t.total.verdictAccuracy(),
                        t.delay / t.total.matched());
            }
        }
        System.out.println();
        System.out.println("## GDsuite-sized series: 20k-60k rows (4 seeds per question, items = distinct questions),"
                + " checkpoint wobble (30 series x 100 checkpoints per row)");
        System.out.println("| hop min effect | wobble (sd) | hops planted | false hops per 100 checkpoints (no hops)"
                + " | recall (hops >= 0.15) | precision |");
        System.out.println("|---|---|---|---|---|---|");
        for (double effect : effects) {
            OfflineDetection detection = new OfflineDetection(config.toBuilder().hopMinEffect(effect).build());
            for (double wobble : new double[] {0.01, 0.02}) {
                var quiet = SyntheticHistories.largeN(5, 30, 100, 20_000, 60_000, 4, wobble, false, 0.15);
                int falseHops = detection.detect(quiet.points()).size();
                var moving = SyntheticHistories.largeN(6, 30, 100, 20_000, 60_000, 4, wobble, true, 0.15);
                Tally t = new Tally();
                t.add(moving, detection.detect(moving.points()));
                System.out.printf(Locale.ROOT, "| %.2f | %.2f | %d | %.2f | %.3f | %.3f |%n", effect, wobble,
                        t.total.planted(), falseHops / 30.0, t.total.recall(), t.total.precision());
            }
        }
    }

    /** Matches, per class of hop. */
    static final class Tally {
        SyntheticHistories.Score total = new SyntheticHistories.Score(0, 0, 0, 0, 0, 0);
        double delay;
        final Map<Boolean, int[]> byClass = new TreeMap<>();

        void add(SyntheticHistories.History h, List<OfflineDetection.DetectedHop> found) {
            total = total.plus(SyntheticHistories.score(h.hops(), found));
            for (var m : SyntheticHistories.matches(h.hops(), found).entrySet()) {
                var p = m.getKey();
                boolean mixed = p.from() == Mode.MIXED || p.to() == Mode.MIXED;
                int[] c = byClass.computeIfAbsent(mixed, k -> new int[2]);
                c[0]++;
                if (m.getValue() != null) {
                    c[1]++;
                    delay += m.getValue().index() - p.index();
                }
            }
        }

        String classRecall(boolean mixed) {
            int[] c = byClass.get(mixed);
            return c == null ? "-" : String.format(Locale.ROOT, "%.3f (%d/%d)", c[1] / (double) c[0], c[1], c[0]);
        }
    }
}
