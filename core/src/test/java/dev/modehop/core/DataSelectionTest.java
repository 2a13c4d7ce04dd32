package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataSelectionTest {
    private static DataWindow w(String id, long start, long end, double icl) {
        return new DataWindow("r", id, start, end, 0, Map.of("icl", icl, "iwl", 1 - icl));
    }

    private static final List<DataWindow> SCHEDULE = List.of(w("w0", 0, 600, 0.9), w("w1", 600, 1000, 0.1),
            w("w2", 1000, 1400, 0.9), w("w3", 1400, 1800, 0.1), w("w4", 1800, 2200, 0.9));

    @Test
    void selectsTheWindowsRightBeforeStableMovesTowardGeneralizingOfTheChosenFamilies() {
        List<DataSelection.Move> moves = List.of(
                new DataSelection.Move("flipped", 650, 600, Mode.GENERALIZING, Mode.PARROT, Verdict.STABLE, List.of("w1")),
                new DataSelection.Move("repetitive", 650, 600, Mode.PARROT, Mode.GENERALIZING, Verdict.STABLE, List.of("w1")),
                // attributed to w1 and w2 (anchor before the switch), but only w2 trained it in the last interval
                new DataSelection.Move("flipped", 1050, 1000, Mode.PARROT, Mode.GENERALIZING, Verdict.STABLE,
                        List.of("w1", "w2")),
                new DataSelection.Move("flipped", 1450, 1400, Mode.GENERALIZING, Mode.PARROT, Verdict.STABLE, List.of("w3")),
                // a transient move says nothing
                new DataSelection.Move("flipped", 1500, 1450, Mode.PARROT, Mode.GENERALIZING, Verdict.TRANSIENT,
                        List.of("w3")),
                new DataSelection.Move("flipped", 1850, 1800, Mode.PARROT, Mode.GENERALIZING, Verdict.STABLE, List.of("w4")));
        DataSelection.Manifest m = DataSelection.select("r", moves, SCHEDULE, Set.of("flipped"));
        assertEquals(List.of("w2", "w4"), m.windows().stream().map(DataSelection.SelectedWindow::windowId).toList());
        assertEquals(2, m.stableMovesTowardGeneralizing());
        assertEquals(List.of("flipped@1050 PARROT->GENERALIZING"), m.windows().get(0).preceded());
        assertEquals(0.9, m.mixture().get("icl"), 1e-9);
        assertEquals(List.of("flipped"), m.families());

        // every family: w1 preceded repetitive's move toward GENERALIZING but flipped's move away, so it is out
        DataSelection.Manifest all = DataSelection.select("r", moves, SCHEDULE, Set.of());
        assertEquals(List.of("w2", "w4"), all.windows().stream().map(DataSelection.SelectedWindow::windowId).toList());
    }

    @Test
    void noStableMoveTowardGeneralizingSelectsNothing() {
        DataSelection.Manifest m = DataSelection.select("r", List.of(), SCHEDULE, Set.of());
        assertEquals(List.of(), m.windows());
        assertEquals(Map.of(), m.mixture());
    }
}
