package dev.modehop.core;

import java.util.List;

/**
 * Mode hops of a probe family between any two of GENERALIZING, MIXED and PARROT. The confirmed mode
 * changes only when a checkpoint is classified into another mode and its accuracy differs significantly
 * from the level the old mode held ({@link ModeReference}: its last few checkpoints). Significance uses the larger of the family's noises:
 * the binomial noise of both checkpoints' item counts plus the family's extra-binomial dispersion
 * ({@link ExtraBinomialDispersion}), or the effect-size floor ({@link EffectSizeFloor}), so that neither a
 * one-point wobble on many items nor a small move on few is a hop. The hop is reported at that first
 * checkpoint of the new mode. UNDECIDED checkpoints, and checkpoints of another mode whose move is not
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
        if (raw != Mode.UNDECIDED && (anchorBeforeGap || s.confirmed == Mode.UNDECIDED)) {
            s.confirmed = raw;
            anchor(s, p);
            ModeReference.restart(s.reference, p.value(), items);
        } else if (raw != Mode.UNDECIDED && raw != s.confirmed && !anchorBeforeGap) {
            double before = ModeReference.mean(s.reference);
            double statistical = Math.sqrt(ModeReference.variance(s.reference, extra) + binomial + extra);
            double z = (p.value() - before) / Math.max(statistical, floor.differenceStderr(hopZ));
            if (Math.abs(z) >= hopZ) {
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
        if (hop == null && s.anchorStep >= 0 && s.anchorStep != p.step()) {
            // Not a hop: this checkpoint measures the confirmed mode's level, whatever its own class.
            ModeReference.add(s.reference, p.value(), items);
            if (raw == s.confirmed) {
                anchor(s, p);
            }
            followDrift(s, extra);
        }
        ExtraBinomialDispersion.observe(s.dispersion, p.value(), binomial, hop == null && !p.gapBefore());
        s.lastStep = p.step();
        s.observations++;
        List<Output.HopStability> verdicts = judge.review(s, p.step(), p.value());
        if (hop != null) {
            s.pending.add(new SeriesState.PendingHop(hop.id(), hop.step(), hop.to(), hop.before(), hop.after()));
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
