package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A publish that could not be written exits 2 with the count, never 0. Nothing listens on port 1 of
 * loopback: the record cannot even be encoded, because the registry is unreachable for the (shortened)
 * retry budget. The broker-death case runs in the fault tier (faults/ReplayBrokerDeathTest).
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
            assertTrue(r.err().startsWith("modehop: error: publish checkpoint: 1 of 1 records not written (first error: "
                    + "TransientRegistryException"), r.err());
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
