package dev.modehop.launcher.history;

import dev.modehop.core.OfflineDetection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A recorded evaluation history: per checkpoint step, the values of each series. Read from a CSV
 * ({@code series,step,score[,n]}), from a folder of lm-eval-harness result files, or from GDsuite result
 * folders.
 *
 * @param details    what a probe series carries beyond its accuracy, for the points that have it (GDsuite
 *                   results: family and task, seeds, margins); empty for other sources
 * @param tokensSeen training tokens per step where the source names them
 */
public record History(String source, List<OfflineDetection.Point> points, Map<OfflineDetection.Point, ProbeDetail> details,
                      Map<Long, Long> tokensSeen) {

    public History(String source, List<OfflineDetection.Point> points) {
        this(source, points, Map.of(), Map.of());
    }

    /**
     * A probe task's result beyond its hard accuracy.
     *
     * @param margin        mean probability margin P(correct) - P(incorrect) (the soft score)
     * @param logProbMargin mean summed log-probability margin; NaN when the rows lack log-probabilities
     */
    public record ProbeDetail(String family, String task, int seeds, double margin, double logProbMargin) {
    }

    /** Points grouped by step, in step order, for replaying checkpoint by checkpoint. */
    public Map<Long, List<OfflineDetection.Point>> byStep() {
        Map<Long, List<OfflineDetection.Point>> out = new TreeMap<>();
        for (OfflineDetection.Point p : points) {
            out.computeIfAbsent(p.step(), k -> new ArrayList<>()).add(p);
        }
        return out;
    }
}
