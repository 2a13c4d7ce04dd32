package dev.modehop.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Finds the data windows that trained the model between the two checkpoints of a hop. */
public final class WindowAttribution {
    /** Windows kept per run; old ones can only matter to a hop whose anchor lies far back. */
    static final int WINDOWS_KEPT = 256;

    private WindowAttribution() {
    }

    /** Adds a window (replacing one with the same id) and keeps the list sorted and bounded. */
    public static void remember(List<DataWindow> windows, DataWindow w) {
        windows.removeIf(existing -> existing.windowId().equals(w.windowId()));
        windows.add(w);
        windows.sort(Comparator.comparingLong(DataWindow::startStep).thenComparing(DataWindow::windowId));
        while (windows.size() > WINDOWS_KEPT) {
            windows.remove(0);
        }
    }

    /** The windows that trained the model between checkpoint {@code from} and checkpoint {@code to}. */
    public static List<DataWindow> between(List<DataWindow> windows, long from, long to) {
        List<DataWindow> out = new ArrayList<>();
        for (DataWindow w : windows) {
            if (w.trainedBetween(from, to)) {
                out.add(w);
            }
        }
        return out;
    }

    /** The hop with its windows filled in: those between its anchor (last checkpoint of the old mode) and it. */
    public static Output.ModeHop attribute(Output.ModeHop hop, List<DataWindow> windows) {
        long from = hop.anchorStep() >= 0 ? hop.anchorStep() : hop.prevStep();
        return new Output.ModeHop(hop.id(), hop.runId(), hop.series(), hop.step(), hop.prevStep(), hop.anchorStep(),
                hop.direction(), hop.from(), hop.to(), hop.before(), hop.after(), hop.zScore(),
                List.copyOf(between(windows, from, hop.step())));
    }
}
