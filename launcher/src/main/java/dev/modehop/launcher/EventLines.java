package dev.modehop.launcher;

import dev.modehop.events.Alert;
import dev.modehop.events.AttributedWindow;
import dev.modehop.events.ControlCommand;
import dev.modehop.events.HopStability;
import dev.modehop.events.ModeHop;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The one-line form of the monitor's outputs that the demos print live; null for outputs not shown. */
final class EventLines {
    private EventLines() {
    }

    static String of(Object output) {
        if (output instanceof ModeHop h) {
            return String.format(Locale.ROOT, "HOP     %-10s step %5d  %s -> %s  z=%.1f  windows %s", h.getSeries(),
                    h.getStep(), h.getFrom(), h.getTo(), h.getZScore(),
                    h.getWindows().stream().map(EventLines::window).collect(Collectors.joining(", ", "[", "]")));
        }
        if (output instanceof HopStability v) {
            return String.format(Locale.ROOT, "VERDICT %-10s hop at %5d is %s (decided at step %d)", v.getSeries(),
                    v.getHopStep(), v.getVerdict(), v.getDecidedAtStep());
        }
        if (output instanceof Alert a) {
            return String.format(Locale.ROOT, "ALERT   %-8s %s", a.getSeverity(), a.getMessage());
        }
        if (output instanceof ControlCommand c) {
            return "CONTROL " + c.getAction() + " " + new TreeMap<>(c.getMixture());
        }
        return null;
    }

    /** {@code w1(icl 0.1, iwl 0.9)}: the window and its mixture. */
    static String window(AttributedWindow w) {
        return w.getWindowId() + new TreeMap<>(w.getMixture()).entrySet().stream()
                .map(e -> e.getKey() + String.format(Locale.ROOT, " %.1f", e.getValue()))
                .collect(Collectors.joining(", ", "(", ")"));
    }
}
