package dev.modehop.core;

import java.util.List;

/**
 * Mode hops of a probe family. The confirmed mode changes only when a checkpoint is classified into the
 * other mode (hysteresis: UNDECIDED checkpoints keep it) and its accuracy differs significantly from the
 * last checkpoint that held the old mode, given both checkpoints' binomial noise. The hop is reported at
 * that first checkpoint of the new mode. After a gap (an announced checkpoint whose scores never came)
 * the next decided checkpoint re-anchors the mode without a hop: no hop is reported across unseen data.
 */
public final class HopDetector {
    private final ModeClassifier classifier;
    private final double hopZ;
    private final StabilityJudge judge;

    public HopDetector(MonitorConfig config) {
        this.classifier = new ModeClassifier(config);
        this.hopZ = config.hopZ();
        this.judge = new StabilityJudge(config.stabilityCheckpoints());
    }

    public SeriesUpdate observe(SeriesState s, SeriesPoint p) {
        if (!p.hasItems()) {
            throw new IllegalArgumentException("series " + s.series + " needs item counts");
        }
        int items = p.items();
        Mode raw = classifier.classify(p.value(), items);
        long prevStep = s.lastStep;
        boolean anchorBeforeGap = p.gapBefore() || s.anchorStep < 0;
        Output.ModeHop hop = null;
        if (raw != Mode.UNDECIDED) {
            if (anchorBeforeGap || s.confirmed == Mode.UNDECIDED || raw == s.confirmed) {
                s.confirmed = raw;
                anchor(s, p);
            } else {
                double z = BinomialNoise.zBetween(s.anchorValue, s.anchorItems, p.value(), items);
                if (Math.abs(z) >= hopZ) {
                    String hopId = Ids.hop(s.runId, s.series, p.step());
                    hop = new Output.ModeHop(hopId, s.runId, s.series, p.step(), prevStep, s.anchorStep,
                            z > 0 ? Direction.UP : Direction.DOWN, s.confirmed, raw, s.anchorValue, p.value(), z,
                            List.of());
                    s.confirmed = raw;
                    anchor(s, p);
                }
            }
        } else if (p.gapBefore()) {
            // The old anchor lies before unseen data: the next decided checkpoint must re-anchor.
            s.anchorStep = -1;
        }
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

    private static void anchor(SeriesState s, SeriesPoint p) {
        s.anchorStep = p.step();
        s.anchorValue = p.value();
        s.anchorItems = p.items();
    }
}
