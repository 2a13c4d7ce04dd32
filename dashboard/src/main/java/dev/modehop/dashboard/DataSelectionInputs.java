package dev.modehop.dashboard;

import dev.modehop.core.DataSelection;
import dev.modehop.core.Mode;
import dev.modehop.core.Verdict;
import dev.modehop.events.AttributedWindow;
import dev.modehop.events.DataWindow;
import dev.modehop.events.HopStability;
import dev.modehop.events.ModeHop;
import java.util.TreeMap;

/** The wire records data selection reads (hops, their verdicts, windows), as core's types; for the page and the report. */
public final class DataSelectionInputs {
    private DataSelectionInputs() {
    }

    /** A hop with its verdict, PENDING while none arrived. */
    public static DataSelection.Move move(ModeHop h, HopStability verdict) {
        return new DataSelection.Move(h.getSeries(), h.getStep(), h.getPrevStep(), mode(h.getFrom()), mode(h.getTo()),
                verdict == null ? Verdict.PENDING : Verdict.valueOf(verdict.getVerdict().name()),
                h.getWindows().stream().map(AttributedWindow::getWindowId).toList());
    }

    public static dev.modehop.core.DataWindow window(DataWindow w) {
        return new dev.modehop.core.DataWindow(w.getRunId(), w.getWindowId(), w.getStartStep(), w.getEndStep(), w.getTokens(),
                new TreeMap<>(w.getMixture()));
    }

    private static Mode mode(dev.modehop.events.Mode m) {
        return m == null ? null : Mode.valueOf(m.name());
    }
}
