package dev.modehop.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.registry.RegistryException;
import dev.modehop.schemas.registry.SchemaRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * modehop's serde and schema evolution against a real Apicurio Registry server (its Confluent-compatible API),
 * and Apicurio's own serde (its v3 API) as the documented alternative.
 */
class ApicurioRegistryTest {
    static ApicurioRegistryServer server;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.exists(ApicurioRegistryServer.home().resolve("quarkus-run.jar")),
                "Apicurio Registry not unpacked under target/apicurio (run through Maven)");
        Path java = ApicurioRegistryServer.java21().orElse(null);
        assumeTrue(java != null, "no Java 21+ found (set MODEHOP_JAVA21_HOME); Apicurio Registry 3 needs it");
        server = ApicurioRegistryServer.start(java);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void topicValuesRoundTripThroughTheRealRegistry() {
        Topics topics = Topics.create("it.", Map.of(AvroSerdes.REGISTRY_URL, server.ccompatUrl()));
        ProbeScore score = ProbeScore.newBuilder().setId("r/50/flipped/main").setRunId("r").setStep(50).setSuite("toy")
                .setFamily("flipped").setTask("main").setItems(512).setHardAccuracy(0.75).setSoftScore(0.5)
                .setTaskCount(1).build();
        byte[] bytes = topics.probeScored.valueSerde().serializer().serialize(topics.probeScored.name(), score);
        assertEquals(0, bytes[0], "Confluent wire format: magic byte");
        ProbeScore back = topics.probeScored.valueSerde().deserializer().deserialize(topics.probeScored.name(), bytes);
        assertEquals(score, back);
        SchemaRegistryClient client = new SchemaRegistryClient(server.ccompatUrl());
        assertTrue(client.subjects().contains("it.modehop.probe.scored-value"), client.subjects().toString());
    }

    @Test
    void backwardCompatibleChangeIsAcceptedAndIncompatibleOneRejected() {
        SchemaRegistryClient client = new SchemaRegistryClient(server.ccompatUrl());
        String subject = "evolution-test-value";
        Schema v1 = ProbeScore.getClassSchema();
        client.register(subject, v1.toString());
        client.setCompatibility(subject, "BACKWARD");

        Schema v2 = withExtraField(v1, true);
        assertTrue(client.isCompatible(subject, v2.toString()), "a new field with a default is backward compatible");
        int id2 = client.register(subject, v2.toString());
        assertTrue(id2 > 0);

        Schema v3 = withExtraField(v2, false);
        assertFalse(client.isCompatible(subject, v3.toString()), "a new field without a default is not");
        RegistryException e = assertThrows(RegistryException.class, () -> client.register(subject, v3.toString()));
        assertEquals(409, e.status(), e.getMessage());
    }

    /**
     * Apicurio's native serde (its v3 API, ids in the payload), swapped in through {@link AvroSerdes}'s class
     * settings as a service does with {@code MODEHOP_VALUE_SERIALIZER}/{@code _DESERIALIZER} and
     * {@code MODEHOP_SERDE_APICURIO_REGISTRY_*}: the topics' SpecificRecords go out, the schemas are registered
     * as artifacts of the v3 API, the same classes come back, and the bytes are interchangeable with modehop's own
     * serde's.
     */
    @Test
    void apicurioNativeSerdeCarriesTheTopicsRecordsThroughItsV3Api() throws Exception {
        Map<String, Object> cfg = Map.of(
                AvroSerdes.SERIALIZER, "io.apicurio.registry.serde.avro.AvroKafkaSerializer",
                AvroSerdes.DESERIALIZER, "io.apicurio.registry.serde.avro.AvroKafkaDeserializer",
                "apicurio.registry.url", server.v3Url(),
                "apicurio.registry.auto-register", "true",
                "apicurio.registry.use-specific-avro-reader", "true",
                "apicurio.registry.headers.enabled", "false");
        Topics topics = Topics.create("native.", cfg);
        ProbeScore score = ProbeScore.newBuilder().setId("r/50/flipped/main").setRunId("r").setStep(50).setSuite("toy")
                .setFamily("flipped").setTask("main").setItems(512).setHardAccuracy(0.75).setSoftScore(0.5)
                .setTaskCount(1).build();
        CheckpointReady ready = CheckpointReady.newBuilder().setRunId("r").setStep(50).setTokensSeen(1_000)
                .setUri("/ckpt/r/50").setSuite("toy").setProducedAt(1L).build();
        byte[] scoreBytes = topics.probeScored.valueSerde().serializer().serialize(topics.probeScored.name(), score);
        byte[] readyBytes = topics.checkpointReady.valueSerde().serializer().serialize(topics.checkpointReady.name(), ready);
        Object scoreBack = topics.probeScored.valueSerde().deserializer().deserialize(topics.probeScored.name(), scoreBytes);
        Object readyBack = topics.checkpointReady.valueSerde().deserializer().deserialize(topics.checkpointReady.name(), readyBytes);
        assertEquals(0, scoreBytes[0], "Apicurio's wire format starts with a 0 byte too");
        assertEquals(ProbeScore.class, scoreBack.getClass(), "the generated class, not a GenericRecord");
        assertEquals(score, scoreBack);
        assertEquals(ready, readyBack);
        java.net.http.HttpResponse<String> artifacts = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.v3Url() + "/search/artifacts?limit=100")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, artifacts.statusCode(), artifacts.body());
        for (String artifact : java.util.List.of("native.modehop.probe.scored-value", "native.modehop.checkpoint.ready-value")) {
            assertTrue(artifacts.body().contains("\"" + artifact + "\""), artifact + " registered through the v3 API: "
                    + artifacts.body());
        }
        // The same wire format (a 0 byte, a 4-byte content id) and the same ids through both APIs: modehop's own
        // serde (ccompat) reads what Apicurio's wrote, and Apicurio's reads what modehop's wrote.
        Topics own = Topics.create("native.", Map.of(AvroSerdes.REGISTRY_URL, server.ccompatUrl()));
        assertEquals(score, own.probeScored.valueSerde().deserializer().deserialize(own.probeScored.name(), scoreBytes));
        byte[] ownBytes = own.checkpointReady.valueSerde().serializer().serialize(own.checkpointReady.name(), ready);
        assertEquals(ready, topics.checkpointReady.valueSerde().deserializer().deserialize(topics.checkpointReady.name(),
                ownBytes));
    }

    private static Schema withExtraField(Schema base, boolean withDefault) {
        String field = withDefault ? "{\"name\":\"scorerVersion\",\"type\":\"string\",\"default\":\"unknown\"}"
                : "{\"name\":\"mandatoryFlag\",\"type\":\"boolean\"}";
        String json = base.toString();
        int end = json.lastIndexOf("]}");
        return new Schema.Parser().parse(json.substring(0, end) + "," + field + json.substring(end));
    }
}
