package dev.modehop.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {

    @Test
    void closesNewestFirstAndSurvivesFailures() throws Exception {
        List<String> order = new ArrayList<>();
        GracefulShutdown shutdown = new GracefulShutdown("test");
        shutdown.register("health", () -> order.add("health"));
        shutdown.register("producer", () -> {
            order.add("producer");
            throw new IllegalStateException("flush failed");
        });
        shutdown.register("streams", () -> order.add("streams"));

        shutdown.closeAll();
        shutdown.closeAll();

        assertEquals(List.of("streams", "producer", "health"), order);
        assertEquals(1, shutdown.failures().size());
        assertTrue(shutdown.isShuttingDown());
        assertTrue(shutdown.awaitShutdown(1, TimeUnit.SECONDS));
    }

    @Test
    void registeringAfterShutdownClosesAtOnce() {
        List<String> order = new ArrayList<>();
        GracefulShutdown shutdown = new GracefulShutdown("test");
        shutdown.closeAll();
        shutdown.register("late", () -> order.add("late"));
        assertEquals(List.of("late"), order);
    }
}
