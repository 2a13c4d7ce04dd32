package dev.modehop.scorer.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringsTest {
    @Test
    void theEarliestStopWinsWhicheverIsListedFirst() {
        StopStrings s = new StopStrings(List.of("\n\nQ:", "\nQ:"));
        assertEquals(6, s.cut("Alice.\n\nQ: next"));
        assertEquals(6, s.cut("Alice.\nQ: next"));
        assertEquals(-1, s.cut("Alice.\nQ"));
        assertEquals(-1, new StopStrings(List.of()).cut("anything"));
    }
}
