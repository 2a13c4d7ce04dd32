package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceStatisticsTest {
    private static Output.ModeHop hop(long step, Mode to, double icl) {
        DataWindow w = new DataWindow("r", "w" + step, step - 50, step + 350, 0, Map.of("icl", icl, "iwl", 1 - icl));
        return new Output.ModeHop("h" + step, "r", "flipped", step, step - 50, step - 50, Direction.UP, Mode.MIXED, to,
                0.5, 0.9, 5, List.of(w));
    }

    private static SourceStatistics.Move move(SourceStatistics s, String source, Mode toward) {
        return s.moves().stream().filter(m -> m.source().equals(source) && m.toward() == toward).findFirst().orElseThrow();
    }

    @Test
    void aSourceThatAlwaysPrecedesGeneralizingStandsOutAgainstTheBaseRate() {
        SourceStatistics s = new SourceStatistics();
        for (int i = 0; i < 6; i++) {
            s.record(hop(100 + 400L * i, Mode.GENERALIZING, 0.85 + 0.01 * i));
            s.record(hop(300 + 400L * i, Mode.PARROT, 0.1 + 0.01 * i));
        }
        s.record(hop(5000, Mode.MIXED, 0.5));
        assertEquals(13, s.hopsOfRun());
        SourceStatistics.Move icl = move(s, "icl", Mode.GENERALIZING);
        assertEquals(6, icl.hops());
        assertEquals(6, icl.hopsOfRun());
        assertEquals(0.875, icl.meanWeight(), 1e-9);
        double base = (6 * 0.875 + 6 * 0.125 + 0.5) / 13;
        assertEquals(base, icl.baseWeight(), 1e-9);
        assertTrue(icl.zScore() > 3, "z " + icl.zScore());
        assertTrue(move(s, "icl", Mode.PARROT).zScore() < -3);
        assertTrue(move(s, "iwl", Mode.PARROT).zScore() > 3);
        assertEquals(1, move(s, "icl", Mode.MIXED).hopsOfRun());
    }

    @Test
    void aSourceUnrelatedToTheDirectionIsNotSignificant() {
        SourceStatistics s = new SourceStatistics();
        double[] weights = {0.3, 0.7, 0.5, 0.4, 0.6, 0.5, 0.35, 0.65};
        for (int i = 0; i < weights.length; i++) {
            s.record(hop(100 + 100L * i, i % 2 == 0 ? Mode.GENERALIZING : Mode.PARROT, weights[i]));
        }
        for (SourceStatistics.Move m : s.moves()) {
            assertTrue(Math.abs(m.zScore()) < 2, m.toString());
        }
    }

    @Test
    void hopsWithoutWindowsOrWithoutAModeAreNotCounted() {
        SourceStatistics s = new SourceStatistics();
        assertFalse(s.record(new Output.ModeHop("h", "r", "lm/task", 100, 50, 50, Direction.UP, null, null, 0, 1, 5,
                List.of(new DataWindow("r", "w", 0, 100, 0, Map.of("a", 1.0))))));
        assertFalse(s.record(new Output.ModeHop("h", "r", "f", 100, 50, 50, Direction.UP, Mode.PARROT, Mode.GENERALIZING,
                0, 1, 5, List.of())));
        assertEquals(0, s.hopsOfRun());
        assertTrue(s.moves().isEmpty());
    }
}
