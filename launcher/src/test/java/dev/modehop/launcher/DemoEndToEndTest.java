package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The quick start's first command, in process: broker, registry and Streams job start, the bundled
 * history is replayed, and hops, verdicts, alerts and the control command reach a read_committed reader.
 */
class DemoEndToEndTest {
    @Test
    void demoShowsTheBundledHistorysHopsLive() {
        CommandLineTest.Run r = CommandLineTest.run("demo", "--history", "example", "--delay-ms", "0");
        assertEquals(0, r.code(), r.out() + r.err());
        String out = r.out();
        assertTrue(out.contains("checkpoints processed: 40 of 40"), out);
        assertTrue(out.contains("hop flipped    step   650  GENERALIZING -> PARROT"), out);
        assertTrue(out.contains("hop flipped    step  1700  GENERALIZING -> PARROT") && out.contains("TRANSIENT"), out);
        assertTrue(out.contains("CONTROL ADJUST_MIXTURE"), out);
    }
}
