package dev.modehop.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.embedded.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The group's lag as the broker sees it, on a real in-process broker: records written, some committed. */
class ConsumerGroupLagTest {

    @Test
    void lagIsWhatTheGroupHasNotCommittedAndReachesMetrics() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(List.of("jobs"), 2);
            Properties client = new Properties();
            client.put("bootstrap.servers", kafka.bootstrapServers());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>("jobs", 0, "k", "v" + i));
                    producer.send(new ProducerRecord<>("jobs", 1, "k", "w" + i));
                }
                producer.flush();
            }
            try (ServiceMetrics metrics = new ServiceMetrics("scorer");
                 ConsumerGroupLag lag = ConsumerGroupLag.start(client, "workers", List.of("jobs"),
                         Duration.ofMillis(200), metrics)) {
                awaitValue(() -> lag.lag("jobs"), 10.0, "nothing committed yet: every record is owed");
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                        kafka.bootstrapServers(), "group.id", "workers"), new StringDeserializer(), new StringDeserializer())) {
                    consumer.commitSync(Map.of(new TopicPartition("jobs", 0), new OffsetAndMetadata(4),
                            new TopicPartition("jobs", 1), new OffsetAndMetadata(2)));
                }
                awaitValue(() -> lag.lag("jobs"), 4.0, "1 left on partition 0, 3 on partition 1");
                String scrape = metrics.scrape();
                assertTrue(scrape.contains("modehop_consumer_group_lag{group=\"workers\",service=\"scorer\",topic=\"jobs\"} 4.0"),
                        scrape);
            }
        }
    }

    private static void awaitValue(DoubleSupplier value, double expected, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (value.getAsDouble() != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(expected, value.getAsDouble(), what);
    }
}
