package dev.modehop.launcher.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a demo saw of one run, as the report and the plot need it: per family the curve and modes, the
 * hops with verdicts and windows, the data windows, control commands, the best checkpoint and timings.
 */
public final class RunRecord {
    public String runId;
    public final Map<String, List<Point>> families = new TreeMap<>();
    public final List<Hop> hops = new ArrayList<>();
    public final List<Window> windows = new ArrayList<>();
    public final List<Control> controls = new ArrayList<>();
    /** The averaging (and one-step) tests the scorers answered, in arrival order. */
    public final List<Averaging> averaging = new ArrayList<>();
    public long bestStep = -1;
    public double bestScore = Double.NaN;
    public final Map<String, Object> timings = new TreeMap<>();

    public record Point(long step, double hardAccuracy, double softScore, String mode) {
    }

    public record Hop(String series, long step, long prevStep, String from, String to, String stability,
                      double zScore, List<String> windows) {
    }

    public record Window(String windowId, long startStep, long endStep, Map<String, Double> mixture) {
    }

    /**
     * One family in an averaging result: the hop's sides, the average and its outcome; {@code oneStepChange} and
     * {@code hopChange} the mean |dP| of one optimizer step and of the hop (null without the one-step test).
     */
    public record AveragedFamily(String family, double oldAccuracy, double newAccuracy, double averageAccuracy,
                                 String averageMode, String outcome, Double oneStepChange, Double hopChange) {
    }

    /** An averaging result; {@code oneStep} is DONE, NO_OPTIMIZER_STATE or FAILED (null when refused). */
    public record Averaging(String series, long hopStep, String requestedBy, String status, String reason,
                            List<Long> steps, String oneStep, Double learningRate, List<AveragedFamily> families) {
    }

    public synchronized void averaging(Averaging a) {
        averaging.add(a);
    }

    public record Control(long step, String action, Map<String, Double> mixture, String reason, String issuedBy) {
    }

    public synchronized void point(String family, Point p) {
        families.computeIfAbsent(family, f -> new ArrayList<>()).add(p);
    }

    public synchronized void window(Window w) {
        windows.removeIf(x -> x.windowId().equals(w.windowId()));
        windows.add(w);
        windows.sort(java.util.Comparator.comparingLong(Window::startStep));
    }

    public synchronized void control(Control c) {
        controls.add(c);
    }

    /** Whether every family has an observation at {@code step} or later. */
    public synchronized boolean allFamiliesReached(long step) {
        return !families.isEmpty() && families.values().stream()
                .allMatch(pts -> !pts.isEmpty() && pts.get(pts.size() - 1).step() >= step);
    }

    /** Hops of a family with the stability decided so far. */
    public synchronized List<Hop> hopsOf(String family) {
        return hops.stream().filter(h -> h.series().equals(family)).toList();
    }
}
