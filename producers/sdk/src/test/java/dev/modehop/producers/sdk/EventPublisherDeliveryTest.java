package dev.modehop.producers.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.embedded.EmbeddedKafka;
import dev.modehop.embedded.EmbeddedSchemaRegistry;
import dev.modehop.events.CheckpointReady;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The publisher counts what the broker acknowledged and says how many records it did not write. */
class EventPublisherDeliveryTest {

    private static CheckpointReady checkpoint(long step) {
        return CheckpointReady.newBuilder().setRunId("r").setStep(step).setTokensSeen(0).setUri("/x")
                .setProducedAt(1L).build();
    }

    @Test
    void recordsTheBrokerNeverAcknowledgedAreCountedAndReported() {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, registry.url()));
            kafka.createTopics(List.of(topics.checkpointReady.name()), 1);
            // Short timeouts only bound the test; the defaults are 30 s delivery, 15 s blocking.
            Map<String, Object> quick = Map.of("delivery.timeout.ms", 3_000, "request.timeout.ms", 1_000,
                    "max.block.ms", 2_000, "reconnect.backoff.max.ms", 200);
            try (EventPublisher publisher = new EventPublisher(kafka.bootstrapServers(), quick)) {
                for (long step = 1; step <= 5; step++) {
                    publisher.send(topics.checkpointReady, "r", checkpoint(step));
                }
                EventPublisher.Delivery ok = publisher.awaitDelivery();
                assertEquals(5, ok.acknowledged());
                assertEquals(0, ok.failed());

                kafka.close();
                for (long step = 6; step <= 8; step++) {
                    publisher.send(topics.checkpointReady, "r", checkpoint(step));
                }
                UndeliveredRecordsException e = assertThrows(UndeliveredRecordsException.class, publisher::awaitDelivery);
                assertEquals(3, e.notWritten());
                assertEquals(8, e.attempted());
                assertTrue(e.getMessage().startsWith("3 of 8 records not written (first error: "), e.getMessage());

                UndeliveredRecordsException one = assertThrows(UndeliveredRecordsException.class,
                        () -> publisher.sendAndWait(topics.checkpointReady, "r", checkpoint(9)));
                assertEquals(1, one.notWritten());
            }
        } finally {
            kafka.close();
        }
    }
}
