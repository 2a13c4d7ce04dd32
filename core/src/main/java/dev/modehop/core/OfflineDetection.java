package dev.modehop.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the same detectors as the stream jobs over a recorded history, for {@code modehop detect}: each
 * series in step order, hops with their final verdicts (PENDING where the history ends too soon).
 */
public final class OfflineDetection {
    private final HopDetector hopDetector;
    private final ChangePointDetector changePointDetector;

    public OfflineDetection(MonitorConfig config) {
        this.hopDetector = new HopDetector(config);
        this.changePointDetector = new ChangePointDetector(config);
    }

    /** One recorded value: {@code items} null for plain series, {@code stderr} NaN where unknown. */
    public record Point(String series, long step, double value, Integer items, double stderr) {
    }

    /**
     * A detected hop. {@code index} is the 0-based position of {@code step} among the series' points (a
     * change of a plain series is known one point after its step, when the next value confirmed it).
     */
    public record DetectedHop(String series, long step, int index, long prevStep, Direction direction, Mode from,
                              Mode to, double before, double after, double zScore, Verdict stability) {
    }

    public List<DetectedHop> detect(List<Point> points) {
        Map<String, List<Point>> bySeries = new TreeMap<>();
        for (Point p : points) {
            bySeries.computeIfAbsent(p.series(), k -> new ArrayList<>()).add(p);
        }
        List<DetectedHop> all = new ArrayList<>();
        for (Map.Entry<String, List<Point>> e : bySeries.entrySet()) {
            all.addAll(detectSeries(e.getKey(), e.getValue()));
        }
        return all;
    }

    private List<DetectedHop> detectSeries(String series, List<Point> points) {
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingLong(Point::step));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).step() == sorted.get(i - 1).step()) {
                throw new IllegalArgumentException("series '" + series + "' has two values at step " + sorted.get(i).step());
            }
        }
        boolean counted = sorted.stream().allMatch(p -> p.items() != null && p.items() > 0);
        boolean mixed = !counted && sorted.stream().anyMatch(p -> p.items() != null && p.items() > 0);
        if (mixed) {
            throw new IllegalArgumentException("series '" + series + "' mixes points with and without item counts");
        }
        SeriesState state = new SeriesState("offline", series, !counted);
        Map<Long, Integer> indexOfStep = new java.util.HashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            indexOfStep.put(sorted.get(i).step(), i);
        }
        Map<String, Output.ModeHop> hops = new LinkedHashMap<>();
        Map<String, Verdict> verdicts = new TreeMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            Point p = sorted.get(i);
            SeriesPoint sp = counted ? SeriesPoint.counted(p.step(), p.value(), 2 * p.value() - 1, p.items())
                    : SeriesPoint.plain(p.step(), p.value(), p.stderr());
            SeriesUpdate u = counted ? hopDetector.observe(state, sp) : changePointDetector.observe(state, sp);
            if (u.hop() != null) {
                hops.put(u.hop().id(), u.hop());
            }
            for (Output.HopStability v : u.verdicts()) {
                verdicts.put(v.hopId(), v.verdict());
            }
        }
        List<DetectedHop> out = new ArrayList<>();
        for (Output.ModeHop h : hops.values()) {
            out.add(new DetectedHop(series, h.step(), indexOfStep.get(h.step()), h.prevStep(), h.direction(), h.from(),
                    h.to(), h.before(), h.after(), h.zScore(), verdicts.getOrDefault(h.id(), Verdict.PENDING)));
        }
        return out;
    }
}
