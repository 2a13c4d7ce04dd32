package dev.modehop.core;

import java.util.List;

/**
 * Mode hops of a probe family between any two of GENERALIZING, MIXED and PARROT. The confirmed mode
 * changes only when a checkpoint is classified into another mode and its accuracy differs significantly
 * from the level the old mode held ({@link ModeReference}: its last few checkpoints). Significance uses the larger of the family's noises:
 * the binomial noise of both checkpoints' item counts plus the family's extra-binomial dispersion
 * ({@link ExtraBinomialDispersion}), or the effect-size floor ({@link EffectSizeFloor}), so that neither a
 * one-point wobble on many items nor a small move on few is a hop. The hop is reported at that first
 * checkpoint of the new mode. A move of at least {@value #SUSPECT_Z} but under {@code hopZ} standard
 * deviations is a suspect: if the next checkpoint reads the same mode and the two pooled (their items
 * added) move {@code hopZ} from the old level, the hop is reported one checkpoint late, at the suspect, the
 * first checkpoint of the new mode; otherwise the suspect joins the old mode's level. With 100 items one
 * checkpoint's standard error is 0.05, so a move of 0.15 into MIXED needs the second checkpoint. UNDECIDED checkpoints, and checkpoints of another mode whose move is not
 * significant, keep the mode (that is the hysteresis) and join the mode's reference level, so that the
 * reference is not biased away from a nearby band edge; when a slow drift carries that reference level
 * itself into another mode, the confirmed mode follows without a hop. After a gap (an announced checkpoint whose scores
 * never came) the next decided checkpoint re-anchors the mode without a hop: no hop is reported across
 * unseen data.
 */
public final class HopDetector {
    private final ModeClassifier classifier;
    private final double hopZ;
    private final EffectSizeFloor floor;
    private final StabilityJudge judge;

    public HopDetector(MonitorConfig config) {
        this.classifier = new ModeClassifier(config);
        this.hopZ = config.hopZ();
        this.floor = new EffectSizeFloor(config.hopMinEffect());
        this.judge = new StabilityJudge(config.stabilityCheckpoints());
    }

    /**
     * A checkpoint of another mode whose move was at least {@value #SUSPECT_Z} but under {@code hopZ}
     * standard deviations: the next checkpoint decides whether the two together are a hop.
     */
    public static final class Suspect {
        public long step;
        public long prevStep;
        public long anchorStep;
        public double value;
        public int items;
        public Mode mode;
        public double before;
        public double z;
    }

    /** From {@code hops}: 2.5 raised recall at 100-300 items from 0.922 to 0.942 at the same precision (bench/README). */
    static final double SUSPECT_Z = 2.5;

    public SeriesUpdate observe(SeriesState s, SeriesPoint p) {
        if (!p.hasItems()) {
            throw new IllegalArgumentException("series " + s.series + " needs item counts");
        }
        int items = p.items();
        double binomial = BinomialNoise.variance(p.value(), items);
        double extra = ExtraBinomialDispersion.extraVariance(s.dispersion);
        Mode raw = classifier.classify(p.value(), Math.sqrt(BinomialNoise.chanceVariance(items) + extra));
        long prevStep = s.lastStep;
        boolean anchorBeforeGap = p.gapBefore() || s.anchorStep < 0;
        Output.ModeHop hop = null;
        boolean late = false;
        boolean suspected = false;
        Suspect u = s.suspect;
        s.suspect = null;
        if (u != null) {
            if (!p.gapBefore() && raw == u.mode) {
                int pooledItems = u.items + items;
                double pooled = (u.value * u.items + p.value() * items) / pooledItems;
                double statistical = Math.sqrt(ModeReference.variance(s.reference, extra)
                        + BinomialNoise.variance(pooled, pooledItems) + extra / 2);
                double z = (pooled - u.before) / Math.max(statistical, floor.differenceStderr(hopZ));
                if (Math.abs(z) >= hopZ && Math.signum(z) == Math.signum(u.z)) {
                    hop = new Output.ModeHop(Ids.hop(s.runId, s.series, u.step), s.runId, s.series, u.step, u.prevStep,
                            u.anchorStep, z > 0 ? Direction.UP : Direction.DOWN, s.confirmed, u.mode, u.before, u.value, z,
                            List.of());
                    s.confirmed = u.mode;
                    anchor(s, p);
                    ModeReference.restart(s.reference, u.value, u.items);
                    ModeReference.add(s.reference, p.value(), items);
                    late = true;
                }
            }
            if (hop == null) {
                // Not a hop after all: the suspect measured the confirmed mode's level like any other.
                ModeReference.add(s.reference, u.value, u.items);
            }
        }
        if (late) {
            // The hop was this checkpoint's predecessor; this one already belongs to the new mode.
        } else if (raw != Mode.UNDECIDED && (anchorBeforeGap || s.confirmed == Mode.UNDECIDED)) {
            s.confirmed = raw;
            anchor(s, p);
            ModeReference.restart(s.reference, p.value(), items);
        } else if (raw != Mode.UNDECIDED && raw != s.confirmed && !anchorBeforeGap) {
            double before = ModeReference.mean(s.reference);
            double statistical = Math.sqrt(ModeReference.variance(s.reference, extra) + binomial + extra);
            double z = (p.value() - before) / Math.max(statistical, floor.differenceStderr(hopZ));
            if (Math.abs(z) < hopZ && Math.abs(z) >= SUSPECT_Z) {
                Suspect next = new Suspect();
                next.step = p.step();
                next.prevStep = prevStep;
                next.anchorStep = s.anchorStep;
                next.value = p.value();
                next.items = items;
                next.mode = raw;
                next.before = before;
                next.z = z;
                s.suspect = next;
                suspected = true;
            } else if (Math.abs(z) >= hopZ) {
                hop = new Output.ModeHop(Ids.hop(s.runId, s.series, p.step()), s.runId, s.series, p.step(), prevStep,
                        s.anchorStep, z > 0 ? Direction.UP : Direction.DOWN, s.confirmed, raw, before, p.value(), z,
                        List.of());
                s.confirmed = raw;
                anchor(s, p);
                ModeReference.restart(s.reference, p.value(), items);
            }
        } else if (p.gapBefore()) {
            // The old anchor lies before unseen data: the next decided checkpoint must re-anchor.
            s.anchorStep = -1;
        }
        if (hop == null && !suspected && s.anchorStep >= 0 && s.anchorStep != p.step()) {
            // Not a hop: this checkpoint measures the confirmed mode's level, whatever its own class.
            ModeReference.add(s.reference, p.value(), items);
            if (raw == s.confirmed) {
                anchor(s, p);
            }
            followDrift(s, extra);
        }
        ExtraBinomialDispersion.observe(s.dispersion, p.value(), binomial,
                (hop == null || late) && !suspected && !p.gapBefore());
        s.lastStep = p.step();
        s.observations++;
        List<Output.HopStability> verdicts = judge.review(s, p.step(), p.value());
        if (hop != null) {
            var pending = new SeriesState.PendingHop(hop.id(), hop.step(), hop.to(), hop.before(), hop.after());
            if (late) {
                // Confirmed one checkpoint late: this checkpoint already counts toward its verdict.
                pending.observed = 1;
                pending.sumAfter = p.value();
            }
            s.pending.add(pending);
        }
        var observation = new Output.ModeObservation(Ids.observation(s.runId, s.series, p.step()), s.runId,
                s.series, p.step(), raw, s.confirmed, p.value(), p.softScore(), items, p.gapBefore());
        return new SeriesUpdate(observation, hop, verdicts);
    }

    /**
     * A slow drift is no hop, but when the confirmed mode's own recent level, measured over the reference's
     * checkpoints, reads as another mode, the confirmed mode follows it without a hop.
     */
    private void followDrift(SeriesState s, double extra) {
        if (!ModeReference.full(s.reference)) {
            return;
        }
        double mean = ModeReference.mean(s.reference);
        Mode level = classifier.classify(mean, Math.sqrt(ModeReference.chanceVariance(s.reference, extra)));
        if (level != Mode.UNDECIDED && level != s.confirmed) {
            s.confirmed = level;
        }
    }

    private static void anchor(SeriesState s, SeriesPoint p) {
        s.anchorStep = p.step();
        s.anchorValue = p.value();
        s.anchorItems = p.items();
    }
}
