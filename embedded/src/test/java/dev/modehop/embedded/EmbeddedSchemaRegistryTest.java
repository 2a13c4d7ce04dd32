package dev.modehop.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.schemas.registry.RegistryException;
import dev.modehop.schemas.registry.SchemaRegistryClient;
import dev.modehop.schemas.registry.TransientRegistryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedSchemaRegistryTest {
    static final String V1 = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";
    static final String V2 = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
            + "{\"name\":\"b\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
    static final String OTHER = "{\"type\":\"record\",\"name\":\"S\",\"fields\":[{\"name\":\"x\",\"type\":\"long\"}]}";

    @TempDir
    Path dir;

    @Test
    void schemasIdsVersionsAndSettingsSurviveARestartOfBrokerAndRegistry() {
        int r1;
        int r2;
        int s1;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0, false, Map.of());
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(0, kafka.bootstrapServers())) {
            SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
            s1 = client.register("other-value", OTHER);
            r1 = client.register("r-value", V1);
            r2 = client.register("r-value", V2);
            client.setCompatibility("other-value", "NONE");
        }
        // A new broker on the same folder (a new port), a new registry: what a restart of 'modehop up --data-dir' does.
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0, false, Map.of());
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(0, kafka.bootstrapServers())) {
            SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
            assertEquals(OTHER, client.schemaById(s1));
            assertEquals(V1, client.schemaById(r1));
            assertEquals(V2, client.schemaById(r2));
            assertEquals(List.of("other-value", "r-value"), client.subjects());
            assertEquals(r2, client.register("r-value", V2), "the same schema keeps its id");
            int s2 = client.register("other-value", V1);
            assertEquals(r1, s2, "an equal schema under another subject shares its id");
            // NONE survived the restart: an incompatible schema is accepted under other-value ...
            assertEquals(4, client.register("other-value",
                    "{\"type\":\"record\",\"name\":\"S\",\"fields\":[{\"name\":\"y\",\"type\":\"string\"}]}"));
            // ... and BACKWARD still guards r-value.
            RegistryException e = assertThrows(RegistryException.class, () -> client.register("r-value",
                    "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"c\",\"type\":\"string\"}]}"));
            assertEquals(409, e.status());
            assertEquals(3, registry.describe().get("other-value").asInt(), "versions of other-value");
        }
    }

    @Test
    void anUnreachableRegistryIsATransientFailureAfterRetriesAndANotFoundIsPermanentAtOnce() {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
        String url = registry.url();
        SchemaRegistryClient client = new SchemaRegistryClient(url, Duration.ofMillis(800));
        RegistryException notFound = assertThrows(RegistryException.class, () -> client.schemaById(42));
        assertEquals(404, notFound.status());
        registry.close();
        long t0 = System.nanoTime();
        TransientRegistryException gone = assertThrows(TransientRegistryException.class, () -> client.schemaById(1));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(tookMs >= 800, "retried for the whole budget, took " + tookMs + " ms");
        assertTrue(gone.getMessage().contains("attempts"), gone.getMessage());
        assertEquals(-1, gone.status());
    }

    @Test
    void aRegistryThatComesBackWithinTheBudgetAnswersTheRetriedCall() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.start(0, kafka.bootstrapServers());
            int port = Integer.parseInt(first.url().substring(first.url().lastIndexOf(':') + 1));
            int id = new SchemaRegistryClient(first.url()).register("r-value", V1);
            first.close();
            SchemaRegistryClient client = new SchemaRegistryClient("http://127.0.0.1:" + port, Duration.ofSeconds(20));
            var second = new java.util.concurrent.atomic.AtomicReference<EmbeddedSchemaRegistry>();
            Thread restart = new Thread(() -> {
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    return;
                }
                second.set(EmbeddedSchemaRegistry.start(port, kafka.bootstrapServers()));
            });
            restart.start();
            try {
                assertEquals(V1, client.schemaById(id), "answered by the restarted registry");
            } finally {
                restart.join();
                if (second.get() != null) {
                    second.get().close();
                }
            }
        }
    }
}
