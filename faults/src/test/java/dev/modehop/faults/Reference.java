package dev.modehop.faults;

import dev.modehop.core.Ids;
import dev.modehop.core.MonitorConfig;
import dev.modehop.core.OfflineDetection;
import dev.modehop.core.Verdict;
import dev.modehop.launcher.history.History;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the stream job owes for a history replayed as one run, from the offline detectors ({@code modehop
 * detect}'s OfflineDetection on the same history): the ids of every hop, of every decided verdict and of
 * every alert the test's rules ({@link #RULES}) raise for them.
 */
record Reference(Set<String> hops, Set<String> verdicts, Set<String> alerts) {
    /** An alert at detection and one per verdict, so that every hop and verdict has an alert to lose. */
    static final String RULES = """
            hop-seen: when * hops to * then alert INFO
            hop-stable: when * hops to * and is STABLE then alert WARN
            hop-transient: when * hops to * and is TRANSIENT then alert INFO
            """;

    static Reference empty() {
        return new Reference(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
    }

    /** Adds what {@code history} replayed as {@code runId} owes. */
    void add(History history, String runId) {
        add(history.points(), runId);
    }

    /** Adds what a run of these points (one per series and checkpoint, as the monitor pools them) owes. */
    void add(List<OfflineDetection.Point> points, String runId) {
        List<OfflineDetection.DetectedHop> detected = new OfflineDetection(MonitorConfig.defaults()).detect(points);
        for (OfflineDetection.DetectedHop h : detected) {
            String hopId = Ids.hop(runId, h.series(), h.step());
            hops.add(hopId);
            alerts.add(Ids.alert(hopId, "hop-seen", Verdict.PENDING));
            if (h.stability() == Verdict.STABLE || h.stability() == Verdict.TRANSIENT) {
                verdicts.add(Ids.stability(hopId));
                alerts.add(Ids.alert(hopId, h.stability() == Verdict.STABLE ? "hop-stable" : "hop-transient",
                        h.stability()));
            }
        }
    }
}
