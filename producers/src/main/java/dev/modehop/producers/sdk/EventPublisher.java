package dev.modehop.producers.sdk;

import dev.modehop.schemas.Topic;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes modehop events of any topic, keyed by run id, idempotently (acks=all, idempotence on). */
public final class EventPublisher implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;

    public EventPublisher(String bootstrapServers, Map<String, ?> clientOverrides) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        cfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        cfg.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        cfg.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        cfg.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        cfg.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        cfg.putAll(clientOverrides);
        producer = new KafkaProducer<>(cfg, new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends one record; the future completes once the broker has it. */
    public <V> Future<RecordMetadata> send(Topic<V> topic, String runId, V value) {
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        return producer.send(new ProducerRecord<>(topic.name(), runId, bytes));
    }

    /** Sends one record and waits for the broker's acknowledgement. */
    public <V> RecordMetadata sendAndWait(Topic<V> topic, String runId, V value) {
        try {
            return send(topic, runId, value).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic.name(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("publishing to " + topic.name() + " failed: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("publishing to " + topic.name() + " timed out (is Kafka reachable?)", e);
        }
    }

    /** Sends raw bytes (for tests of bad input and for replays of dead letters). */
    public Future<RecordMetadata> sendRaw(String topic, String key, byte[] value) {
        return producer.send(new ProducerRecord<>(topic, key, value));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
