package dev.modehop.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Data selection from attributed windows (the paper's second application): the data windows that trained the
 * model right before its stable moves toward GENERALIZING, as a manifest a training job can build its
 * continued-pretraining mixture from.
 *
 * <p>A window is selected when it trained the model in the last checkpoint interval before such a move (it
 * overlaps [prevStep, step) of the hop; earlier windows between the hop's anchor and the jump are attributed to
 * the hop but were not what the model saw when it moved) and preceded no stable move away from GENERALIZING
 * of the families looked at. Which families to look at is the caller's choice: a family whose GENERALIZING
 * side is not the behaviour wanted (the toy run's repetitive family generalizes by recalling memorized
 * labels) would select the opposite data.
 */
public final class DataSelection {
    private DataSelection() {
    }

    /** A hop as data selection needs it: where it went, how it was judged and the windows attributed to it. */
    public record Move(String series, long step, long prevStep, Mode from, Mode to, Verdict verdict,
                       List<String> windowIds) {
        boolean stable() {
            return verdict == Verdict.STABLE;
        }

        String label() {
            return series + "@" + step + " " + from + "->" + to;
        }
    }

    /** A selected window: its id, step range [startStep, endStep), mixture and the moves it preceded. */
    public record SelectedWindow(String windowId, long startStep, long endStep, Map<String, Double> mixture,
                                 List<String> preceded) {
    }

    /**
     * The manifest. {@code mixture} is the selected windows' mixtures averaged over their steps (each normalised
     * to sum 1): the share of each source a continued-pretraining job would train on.
     */
    public record Manifest(String runId, List<String> families, int stableMovesTowardGeneralizing,
                           List<SelectedWindow> windows, Map<String, Double> mixture) {
    }

    /**
     * @param families the series to look at; empty for every series with modes
     */
    public static Manifest select(String runId, List<Move> moves, List<DataWindow> windows, Set<String> families) {
        Map<String, DataWindow> byId = new LinkedHashMap<>();
        for (DataWindow w : windows) {
            byId.put(w.windowId(), w);
        }
        TreeMap<String, List<String>> toward = new TreeMap<>();
        java.util.HashSet<String> away = new java.util.HashSet<>();
        int stableToward = 0;
        for (Move m : moves) {
            if (!m.stable() || !families.isEmpty() && !families.contains(m.series())) {
                continue;
            }
            boolean up = m.to() == Mode.GENERALIZING;
            boolean down = m.from() == Mode.GENERALIZING && m.to() != Mode.GENERALIZING;
            if (up) {
                stableToward++;
            }
            for (String id : m.windowIds()) {
                DataWindow w = byId.get(id);
                if (w == null || !w.trainedBetween(m.prevStep(), m.step())) {
                    continue;
                }
                if (up) {
                    toward.computeIfAbsent(id, k -> new ArrayList<>()).add(m.label());
                } else if (down) {
                    away.add(id);
                }
            }
        }
        List<SelectedWindow> selected = new ArrayList<>();
        List<DataWindow> chosen = new ArrayList<>();
        for (DataWindow w : byId.values()) {
            List<String> preceded = toward.get(w.windowId());
            if (preceded != null && !away.contains(w.windowId())) {
                selected.add(new SelectedWindow(w.windowId(), w.startStep(), w.endStep(), w.mixture(), List.copyOf(preceded)));
                chosen.add(w);
            }
        }
        selected.sort(java.util.Comparator.comparingLong(SelectedWindow::startStep));
        return new Manifest(runId, List.copyOf(new java.util.TreeSet<>(families)), stableToward, List.copyOf(selected),
                stepWeightedMixture(chosen));
    }

    static Map<String, Double> stepWeightedMixture(List<DataWindow> windows) {
        if (windows.isEmpty()) {
            return Map.of();
        }
        long from = windows.stream().mapToLong(DataWindow::startStep).min().orElse(0);
        long to = windows.stream().mapToLong(DataWindow::endStep).max().orElse(0);
        return SourceStatistics.meanMixture(windows, from, to);
    }
}
