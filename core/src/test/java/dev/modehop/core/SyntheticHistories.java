package dev.modehop.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic probe histories with planted hops and known noise, shared by the quality tests and the
 * benchmarks (bench/ uses this class through core's test jar).
 */
public final class SyntheticHistories {
    private SyntheticHistories() {
    }

    /** A planted hop: at checkpoint {@code index} the true level moved to the other mode. */
    public record PlantedHop(String series, int index, Direction direction, Verdict expected) {
    }

    public record History(List<OfflineDetection.Point> points, List<PlantedHop> hops) {
    }

    /**
     * Series whose true accuracy sits in one mode's range ([0.05, 0.35] parrot, [0.65, 0.95] generalizing),
     * drifting slowly inside it, and switches mode after runs of 5-15 checkpoints; a fifth of the switches
     * are one-checkpoint dips that revert. Every switch moves the true accuracy by at least {@code minJump}.
     * Each checkpoint draws n in [minItems, 2 * minItems] binary items.
     */
    public static History planted(long seed, int seriesCount, int checkpoints, int minItems, double minJump) {
        Random rnd = new Random(seed);
        List<OfflineDetection.Point> points = new ArrayList<>();
        List<PlantedHop> hops = new ArrayList<>();
        for (int s = 0; s < seriesCount; s++) {
            String name = "family" + s;
            boolean gen = rnd.nextBoolean();
            double level = levelIn(rnd, gen);
            int untilSwitch = 5 + rnd.nextInt(11);
            boolean inDip = false;
            for (int i = 0; i < checkpoints; i++) {
                if (untilSwitch == 0 && i < checkpoints - 1) {
                    double previous = level;
                    gen = !gen;
                    do {
                        level = levelIn(rnd, gen);
                    } while (Math.abs(level - previous) < minJump);
                    Direction d = level > previous ? Direction.UP : Direction.DOWN;
                    if (inDip) {
                        inDip = false;
                        untilSwitch = 5 + rnd.nextInt(11);
                        hops.add(new PlantedHop(name, i, d, Verdict.STABLE));
                    } else if (rnd.nextDouble() < 0.2) {
                        inDip = true;
                        untilSwitch = 1;
                        hops.add(new PlantedHop(name, i, d, Verdict.TRANSIENT));
                    } else {
                        untilSwitch = 5 + rnd.nextInt(11);
                        hops.add(new PlantedHop(name, i, d, Verdict.STABLE));
                    }
                } else if (!inDip) {
                    level = clampToMode(level + (rnd.nextDouble() - 0.5) * 0.01, gen);
                }
                untilSwitch--;
                int n = minItems + rnd.nextInt(minItems + 1);
                points.add(new OfflineDetection.Point(name, 50L * (i + 1), binomial(rnd, n, level) / (double) n, n,
                        Double.NaN));
            }
        }
        // The last planted hop of a series may be cut off before its verdict can be reached.
        return new History(points, hops);
    }

    /** A series with no mode switch: constant or slowly drifting true accuracy. */
    public static List<OfflineDetection.Point> noHops(long seed, String name, int checkpoints, int items, double start,
                                                      double end) {
        Random rnd = new Random(seed);
        List<OfflineDetection.Point> points = new ArrayList<>();
        for (int i = 0; i < checkpoints; i++) {
            double p = start + (end - start) * i / Math.max(1, checkpoints - 1);
            points.add(new OfflineDetection.Point(name, 50L * (i + 1), binomial(rnd, items, p) / (double) items, items,
                    Double.NaN));
        }
        return points;
    }

    static double levelIn(Random rnd, boolean gen) {
        return gen ? 0.65 + 0.3 * rnd.nextDouble() : 0.05 + 0.3 * rnd.nextDouble();
    }

    static double clampToMode(double level, boolean gen) {
        return gen ? Math.max(0.65, Math.min(0.95, level)) : Math.max(0.05, Math.min(0.35, level));
    }

    public static int binomial(Random rnd, int n, double p) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (rnd.nextDouble() < p) {
                k++;
            }
        }
        return k;
    }

    /** Scores detections against planted hops: a match has the same direction, at most one checkpoint late. */
    public record Score(int planted, int detected, int matched, int verdictsRight, int verdictsJudged, int falseAlarms) {
        public double recall() {
            return planted == 0 ? 1 : matched / (double) planted;
        }

        public double precision() {
            return detected == 0 ? 1 : (detected - falseAlarms) / (double) detected;
        }

        public double verdictAccuracy() {
            return verdictsJudged == 0 ? 1 : verdictsRight / (double) verdictsJudged;
        }
    }

    public static Score score(List<PlantedHop> planted, List<OfflineDetection.DetectedHop> detected) {
        boolean[] used = new boolean[detected.size()];
        int matched = 0;
        int right = 0;
        int judged = 0;
        for (PlantedHop p : planted) {
            for (int j = 0; j < detected.size(); j++) {
                OfflineDetection.DetectedHop d = detected.get(j);
                if (!used[j] && d.series().equals(p.series()) && d.direction() == p.direction()
                        && d.index() >= p.index() && d.index() <= p.index() + 1) {
                    used[j] = true;
                    matched++;
                    if (d.stability() != Verdict.PENDING) {
                        judged++;
                        if (d.stability() == p.expected()) {
                            right++;
                        }
                    }
                    break;
                }
            }
        }
        int falseAlarms = 0;
        for (boolean u : used) {
            if (!u) {
                falseAlarms++;
            }
        }
        return new Score(planted.size(), detected.size(), matched, right, judged, falseAlarms);
    }
}
