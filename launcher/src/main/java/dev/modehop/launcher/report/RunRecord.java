package dev.modehop.launcher.report;

import dev.modehop.core.DataSelection;
import dev.modehop.core.Mode;
import dev.modehop.core.DataWindow;
import dev.modehop.core.Verdict;
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
    /** The data manifest: windows before the watched family's stable moves toward GENERALIZING. */
    public Map<String, Object> dataManifest;
    /** The predictor test: one row per (family, predictor). */
    public final List<PredictorRow> predictorTests = new ArrayList<>();
    /** Where the predictor table came from: the job's topic, or computed by the demo when it did not arrive. */
    public String predictorTestSource;

    public record PredictorRow(String family, String predictor, int layers, int checkpoints, int bestLayer,
                               double correlation, double baselineMean, double baselineP95, boolean beatsBaseline) {
    }

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

    /** The hops as data selection reads them. */
    public synchronized List<DataSelection.Move> moves() {
        List<DataSelection.Move> out = new ArrayList<>();
        for (Hop h : hops) {
            out.add(new DataSelection.Move(h.series(), h.step(), h.prevStep(), mode(h.from()), mode(h.to()),
                    Verdict.valueOf(h.stability()), h.windows()));
        }
        return out;
    }

    public synchronized List<DataWindow> trainingWindows() {
        return windows.stream().map(w -> new DataWindow(runId, w.windowId(), w.startStep(), w.endStep(), 0,
                w.mixture())).toList();
    }

    /** family -> step -> soft score. */
    public synchronized Map<String, Map<Long, Double>> softScores() {
        Map<String, Map<Long, Double>> out = new TreeMap<>();
        families.forEach((f, pts) -> {
            Map<Long, Double> soft = new TreeMap<>();
            pts.forEach(p -> soft.put(p.step(), p.softScore()));
            out.put(f, soft);
        });
        return out;
    }

    private static Mode mode(String name) {
        return name == null || name.equals("null") ? null : Mode.valueOf(name);
    }

    /** Hops of a family with the stability decided so far. */
    public synchronized List<Hop> hopsOf(String family) {
        return hops.stream().filter(h -> h.series().equals(family)).toList();
    }
}
