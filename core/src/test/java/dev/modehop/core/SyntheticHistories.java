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

    /** A planted hop: at checkpoint {@code index} the true level moved from one mode to another. */
    public record PlantedHop(String series, int index, Direction direction, Verdict expected, Mode from, Mode to) {
        PlantedHop(String series, int index, Direction direction, Verdict expected) {
            this(series, index, direction, expected, direction == Direction.UP ? Mode.PARROT : Mode.GENERALIZING,
                    direction == Direction.UP ? Mode.GENERALIZING : Mode.PARROT);
        }
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

    /** The true-accuracy range of each mode in the three-mode histories. */
    static double[] range(Mode m) {
        return switch (m) {
            case GENERALIZING -> new double[] {0.65, 0.95};
            case MIXED -> new double[] {0.45, 0.55};
            case PARROT -> new double[] {0.05, 0.35};
            default -> throw new IllegalArgumentException(m.name());
        };
    }

    private static final Mode[] THREE = {Mode.GENERALIZING, Mode.MIXED, Mode.PARROT};

    /**
     * Series that move between all three modes (true accuracy in [0.65, 0.95], [0.45, 0.55] or
     * [0.05, 0.35], drifting slowly inside), runs of 5-15 checkpoints, a fifth of the switches
     * one-checkpoint dips that revert. Each series has its own item count, log-uniform in
     * [minItems, maxItems]. {@code wobble}: standard deviation of a checkpoint-to-checkpoint move of the
     * true accuracy that is not a hop (0 for pure binomial noise).
     */
    public static History plantedThreeModes(long seed, int seriesCount, int checkpoints, int minItems, int maxItems,
                                            double minJump, double wobble) {
        Random rnd = new Random(seed);
        List<OfflineDetection.Point> points = new ArrayList<>();
        List<PlantedHop> hops = new ArrayList<>();
        for (int s = 0; s < seriesCount; s++) {
            String name = "family" + s;
            int n = (int) Math.round(minItems * Math.pow((double) maxItems / minItems, rnd.nextDouble()));
            Mode mode = THREE[rnd.nextInt(3)];
            double level = in(rnd, mode);
            int untilSwitch = 5 + rnd.nextInt(11);
            Mode dipFrom = null;
            for (int i = 0; i < checkpoints; i++) {
                if (untilSwitch == 0 && i < checkpoints - 1) {
                    double previous = level;
                    Mode old = mode;
                    if (dipFrom != null) {
                        mode = dipFrom;
                    } else {
                        do {
                            mode = THREE[rnd.nextInt(3)];
                        } while (mode == old);
                    }
                    int tries = 0;
                    do {
                        level = in(rnd, mode);
                    } while (Math.abs(level - previous) < minJump && ++tries < 1000);
                    if (Math.abs(level - previous) < minJump) {
                        // No level of that mode is far enough: stay a little longer instead.
                        mode = old;
                        level = previous;
                        untilSwitch = 1;
                    } else {
                        Direction d = level > previous ? Direction.UP : Direction.DOWN;
                        boolean dip = dipFrom == null && rnd.nextDouble() < 0.2;
                        hops.add(new PlantedHop(name, i, d, dip ? Verdict.TRANSIENT : Verdict.STABLE, old, mode));
                        dipFrom = dip ? old : null;
                        untilSwitch = dip ? 1 : 5 + rnd.nextInt(11);
                    }
                } else if (dipFrom == null) {
                    double[] r = range(mode);
                    level = Math.max(r[0], Math.min(r[1], level + (rnd.nextDouble() - 0.5) * 0.01));
                }
                untilSwitch--;
                double truth = Math.max(0.0, Math.min(1.0, level + wobble * rnd.nextGaussian()));
                points.add(new OfflineDetection.Point(name, 50L * (i + 1), binomial(rnd, n, truth) / (double) n, n,
                        Double.NaN));
            }
        }
        return new History(points, hops);
    }

    /**
     * GDsuite-sized series: {@code rows} rows per checkpoint from rows / seeds distinct questions, each
     * question answered under {@code seeds} prompts whose outcomes are correlated (intra-question
     * correlation 0.3: a question is either settled, all its seeds right or all wrong, or open, each seed
     * right with the level's probability), and the
     * model wobbling between checkpoints by {@code wobble} (standard deviation of the true accuracy).
     * The item count reported is the distinct questions. {@code hops}: whether modes switch (with jumps of
     * at least {@code minJump}) or the series stays in its first mode, drifting slowly.
     */
    public static History largeN(long seed, int seriesCount, int checkpoints, int minRows, int maxRows, int seeds,
                                 double wobble, boolean hops, double minJump) {
        Random rnd = new Random(seed);
        List<OfflineDetection.Point> points = new ArrayList<>();
        List<PlantedHop> planted = new ArrayList<>();
        for (int s = 0; s < seriesCount; s++) {
            String name = "family" + s;
            int rows = minRows + rnd.nextInt(maxRows - minRows + 1);
            int questions = rows / seeds;
            Mode mode = THREE[rnd.nextInt(3)];
            double level = in(rnd, mode);
            int untilSwitch = 5 + rnd.nextInt(11);
            double[] rate = new double[questions];
            for (int i = 0; i < checkpoints; i++) {
                if (hops && untilSwitch == 0 && i < checkpoints - 1) {
                    Mode old = mode;
                    double previous = level;
                    do {
                        mode = THREE[rnd.nextInt(3)];
                        level = in(rnd, mode);
                    } while (mode == old || Math.abs(level - previous) < minJump);
                    planted.add(new PlantedHop(name, i, level > previous ? Direction.UP : Direction.DOWN,
                            Verdict.STABLE, old, mode));
                    untilSwitch = 5 + rnd.nextInt(11);
                } else {
                    double[] r = range(mode);
                    level = Math.max(r[0], Math.min(r[1], level + (rnd.nextDouble() - 0.5) * 0.01));
                }
                untilSwitch--;
                double truth = Math.max(0.01, Math.min(0.99, level + wobble * rnd.nextGaussian()));
                long correct = 0;
                for (int q = 0; q < questions; q++) {
                    rate[q] = rnd.nextDouble() < 0.3 ? (rnd.nextDouble() < truth ? 1 : 0) : truth;
                    for (int k = 0; k < seeds; k++) {
                        if (rnd.nextDouble() < rate[q]) {
                            correct++;
                        }
                    }
                }
                points.add(new OfflineDetection.Point(name, 1000L * (i + 1), correct / (double) (questions * seeds),
                        questions, Double.NaN));
            }
        }
        return new History(points, planted);
    }

    static double in(Random rnd, Mode m) {
        double[] r = range(m);
        return r[0] + (r[1] - r[0]) * rnd.nextDouble();
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

        public Score plus(Score o) {
            return new Score(planted + o.planted, detected + o.detected, matched + o.matched,
                    verdictsRight + o.verdictsRight, verdictsJudged + o.verdictsJudged, falseAlarms + o.falseAlarms);
        }

        public double verdictAccuracy() {
            return verdictsJudged == 0 ? 1 : verdictsRight / (double) verdictsJudged;
        }
    }

    /** Each planted hop with the detection matched to it (null if missed), by the same rule as {@link #score}. */
    public static java.util.Map<PlantedHop, OfflineDetection.DetectedHop> matches(List<PlantedHop> planted,
                                                                              List<OfflineDetection.DetectedHop> detected) {
        boolean[] used = new boolean[detected.size()];
        java.util.Map<PlantedHop, OfflineDetection.DetectedHop> out = new java.util.LinkedHashMap<>();
        for (PlantedHop p : planted) {
            OfflineDetection.DetectedHop match = null;
            for (int j = 0; j < detected.size(); j++) {
                OfflineDetection.DetectedHop d = detected.get(j);
                if (!used[j] && d.series().equals(p.series()) && d.direction() == p.direction()
                        && d.index() >= p.index() && d.index() <= p.index() + 1) {
                    used[j] = true;
                    match = d;
                    break;
                }
            }
            out.put(p, match);
        }
        return out;
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
