package dev.modehop.launcher.history;

import dev.modehop.core.OfflineDetection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A recorded evaluation history: per checkpoint step, the values of each series. Read from a CSV
 * ({@code series,step,score[,n]}) or from a folder of lm-eval-harness result files.
 */
public record History(String source, List<OfflineDetection.Point> points) {

    /** Points grouped by step, in step order, for replaying checkpoint by checkpoint. */
    public Map<Long, List<OfflineDetection.Point>> byStep() {
        Map<Long, List<OfflineDetection.Point>> out = new TreeMap<>();
        for (OfflineDetection.Point p : points) {
            out.computeIfAbsent(p.step(), k -> new ArrayList<>()).add(p);
        }
        return out;
    }
}
