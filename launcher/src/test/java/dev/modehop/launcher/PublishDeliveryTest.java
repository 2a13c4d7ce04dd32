package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A publish that could not be written exits 2, never 0, and claims nothing. Nothing listens on port 1 of
 * loopback, so the connection check stops it before any record is encoded. The "N of M records not written"
 * count of records the broker did not take is tested where a broker really dies: faults/ReplayBrokerDeathTest.
 */
class PublishDeliveryTest {

    @Test
    void publishThatWritesNothingExitsTwoWithTheCount() {
        String old = System.getProperty("modehop.registry.retry.ms");
        System.setProperty("modehop.registry.retry.ms", "300");
        try {
            CommandLineTest.Run r = CommandLineTest.run("publish", "checkpoint", "--run", "r", "--step", "1",
                    "--uri", "/nowhere", "--bootstrap", "127.0.0.1:1", "--registry", "http://127.0.0.1:1/publish-test");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("modehop: error: ") && r.err().contains("127.0.0.1:1"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(!r.out().contains("published"), r.out());
        } finally {
            if (old == null) {
                System.clearProperty("modehop.registry.retry.ms");
            } else {
                System.setProperty("modehop.registry.retry.ms", old);
            }
        }
    }
}
