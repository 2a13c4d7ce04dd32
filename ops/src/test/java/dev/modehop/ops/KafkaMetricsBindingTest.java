package dev.modehop.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka client and Streams metrics reach /metrics; Streams readiness follows its state. No broker needed:
 *  neither client connects before it is polled or started. */
class KafkaMetricsBindingTest {

    @TempDir
    Path stateDir;

    @Test
    void consumerMetricsAreExported() throws Exception {
        ServiceConfig cfg = ServiceConfig.of(Map.of(ServiceConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1",
                "kafka.client.id", "scorer-test"));
        Properties props = cfg.toKafkaProperties();
        props.put("group.id", "g");
        try (ServiceMetrics metrics = new ServiceMetrics("scorer");
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                     new ByteArrayDeserializer())) {
            try (AutoCloseable binding = metrics.bindKafkaClient(consumer)) {
                String scrape = metrics.scrape();
                assertTrue(scrape.contains("\nkafka_consumer_"), "no kafka_consumer_ meters in:\n" + scrape);
                assertTrue(scrape.contains("client_id=\"scorer-test\""), "pass-through client.id reached the client");
            }
        }
    }

    @Test
    void streamsMetricsAndReadiness() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("modehop.probe.scored").to("modehop.mode.observed");
        Properties props = ServiceConfig.of(Map.of(ServiceConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1")).toKafkaProperties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "modehop-streams-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        try (ServiceMetrics metrics = new ServiceMetrics("streams")) {
            KafkaStreamsHealth.bindMetrics(metrics, streams);
            assertTrue(metrics.scrape().contains("\nkafka_stream_"), "no kafka_stream_ meters");
            assertFalse(KafkaStreamsHealth.running(streams).getAsBoolean(), "CREATED is not ready");
            assertTrue(KafkaStreamsHealth.notFailed(streams).getAsBoolean(), "CREATED is alive");
        } finally {
            streams.close(Duration.ofSeconds(10));
        }
        assertFalse(KafkaStreamsHealth.notFailed(streams).getAsBoolean(), "NOT_RUNNING after close");
    }
}
