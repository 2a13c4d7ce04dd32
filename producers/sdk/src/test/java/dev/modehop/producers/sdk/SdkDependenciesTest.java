package dev.modehop.producers.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A training job that links the SDK must not get the model stack with it. The test classpath holds every
 * compile and runtime dependency of this module (plus test-only ones), so nothing of DJL, PyTorch or the
 * scorer may appear on it.
 */
class SdkDependenciesTest {
    @Test
    void noModelCodeReachesTheClasspath() {
        List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        assertTrue(entries.stream().anyMatch(e -> e.contains("kafka-clients")), "sanity: the classpath is the module's");
        List<String> model = entries.stream()
                .filter(e -> e.contains("djl") || e.contains("pytorch") || e.contains("modehop-scorer")
                        || e.contains("/scorer/target/"))
                .toList();
        assertEquals(List.of(), model, "model code on the SDK's classpath");
    }

    @Test
    void modelClassesAreNotLoadable() {
        for (String name : List.of("ai.djl.Model", "ai.djl.pytorch.engine.PtEngine",
                "dev.modehop.scorer.worker.ScorerWorker")) {
            assertTrue(!loadable(name), name + " is loadable from the SDK");
        }
    }

    private static boolean loadable(String name) {
        try {
            Class.forName(name, false, SdkDependenciesTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
