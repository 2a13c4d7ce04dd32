package dev.modehop.core;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Decides whether a hop's new mode held (STABLE) or reverted (TRANSIENT) over the next K checkpoints of
 * its series. A probe family's hop is TRANSIENT as soon as the confirmed mode leaves the mode it hopped
 * to; a plain series' hop is judged by whether the next K values sit nearer the new level or the old one.
 */
public final class StabilityJudge {
    private final int checkpoints;

    public StabilityJudge(int checkpoints) {
        this.checkpoints = checkpoints;
    }

    /** Reviews the series' pending hops after an observation at {@code step}; hops made at this step are skipped. */
    public List<Output.HopStability> review(SeriesState s, long step, double value) {
        List<Output.HopStability> decided = new ArrayList<>();
        Iterator<SeriesState.PendingHop> it = s.pending.iterator();
        while (it.hasNext()) {
            SeriesState.PendingHop p = it.next();
            if (p.step >= step) {
                continue;
            }
            p.observed++;
            p.sumAfter += value;
            Verdict verdict = s.plain ? judgeLevel(p) : judgeMode(s, p);
            if (verdict != Verdict.PENDING) {
                decided.add(new Output.HopStability(Ids.stability(p.hopId), p.hopId, s.runId, s.series, p.step, step,
                        verdict, p.observed, p.to));
                it.remove();
            }
        }
        return decided;
    }

    private Verdict judgeMode(SeriesState s, SeriesState.PendingHop p) {
        if (s.confirmed != p.to) {
            return Verdict.TRANSIENT;
        }
        return p.observed >= checkpoints ? Verdict.STABLE : Verdict.PENDING;
    }

    private Verdict judgeLevel(SeriesState.PendingHop p) {
        if (p.observed < checkpoints) {
            return Verdict.PENDING;
        }
        double mean = p.sumAfter / p.observed;
        return Math.abs(mean - p.newLevel) <= Math.abs(mean - p.oldLevel) ? Verdict.STABLE : Verdict.TRANSIENT;
    }
}
