package dev.modehop.core;

import java.util.ArrayList;
import java.util.List;

/**
 * One series of one run as the monitor stores it: the detectors' {@link SeriesState} (kept whole, so fields the
 * detectors add travel with it), the latest observation, and the series' hops for queries and verdicts. Every
 * hop whose verdict is still pending is kept (a verdict is never dropped); of decided ones only the most recent
 * {@link MonitorConfig#recentHopsKept()}, so an entry is bounded by the stability window, not by the run's length.
 */
public final class SeriesEntry {
    public SeriesState state;
    public Output.ModeObservation latest;
    public List<RunState.HopRecord> hops = new ArrayList<>();

    public SeriesEntry() {
    }

    public SeriesEntry(SeriesState state) {
        this.state = state;
    }

    RunState.HopRecord hop(String hopId) {
        for (int i = hops.size() - 1; i >= 0; i--) {
            if (hops.get(i).hop.id().equals(hopId)) {
                return hops.get(i);
            }
        }
        return null;
    }

    /** Drops the oldest decided hops beyond {@code keptDecided}; pending ones always stay. */
    void trimDecided(int keptDecided) {
        int decided = 0;
        for (RunState.HopRecord h : hops) {
            if (h.verdict != Verdict.PENDING) {
                decided++;
            }
        }
        for (int i = 0; i < hops.size() && decided > keptDecided; ) {
            if (hops.get(i).verdict != Verdict.PENDING) {
                hops.remove(i);
                decided--;
            } else {
                i++;
            }
        }
    }
}
