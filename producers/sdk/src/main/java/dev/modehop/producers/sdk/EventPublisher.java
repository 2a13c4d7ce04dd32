package dev.modehop.producers.sdk;

import dev.modehop.schemas.Topic;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes modehop events of any topic, keyed by run id, idempotently (acks=all, idempotence on: a record
 * the producer retries through a broker restart is written once). It counts what the broker acknowledged,
 * so a caller can tell exactly how many records did not make it ({@link #awaitDelivery()}).
 */
public final class EventPublisher implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final AtomicLong attempted = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();

    /** What happened to the records sent so far; {@code pending} are neither acknowledged nor failed yet. */
    public record Delivery(long attempted, long acknowledged, long failed, Throwable firstError) {
        public long pending() {
            return attempted - acknowledged - failed;
        }
    }

    public EventPublisher(String bootstrapServers, Map<String, ?> clientOverrides) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        cfg.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        cfg.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        cfg.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        cfg.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        cfg.putAll(clientOverrides);
        // Not overridable: without them an acknowledged record may still be lost or written twice.
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        cfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer = new KafkaProducer<>(cfg, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Sends one record; the future completes once the broker has it. A record that cannot be encoded (the
     * registry unreachable after its retries) counts as failed and the exception is thrown.
     */
    public <V> Future<RecordMetadata> send(Topic<V> topic, String runId, V value) {
        attempted.incrementAndGet();
        byte[] bytes;
        try {
            bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        } catch (RuntimeException e) {
            fail(e);
            throw e;
        }
        return producer.send(new ProducerRecord<>(topic.name(), runId, bytes), this::count);
    }

    private void count(RecordMetadata md, Exception e) {
        if (e == null) {
            acknowledged.incrementAndGet();
        } else {
            fail(e);
        }
    }

    private void fail(Throwable e) {
        failed.incrementAndGet();
        firstError.compareAndSet(null, e);
    }

    /** The counts now, without waiting. */
    public Delivery delivery() {
        return new Delivery(attempted.get(), acknowledged.get(), failed.get(), firstError.get());
    }

    /**
     * Waits until every record sent so far is acknowledged or has failed (at most the delivery timeout, 30 s),
     * and throws {@link UndeliveredRecordsException} with the count of records not written if any failed.
     */
    public Delivery awaitDelivery() {
        producer.flush();
        Delivery d = delivery();
        if (d.failed() > 0 || d.pending() > 0) {
            throw new UndeliveredRecordsException(d.attempted() - d.acknowledged(), d.attempted(), d.firstError());
        }
        return d;
    }

    /**
     * Sends one record and waits for the broker's acknowledgement.
     *
     * @throws UndeliveredRecordsException (1 of 1 not written) when it was not acknowledged
     */
    public <V> RecordMetadata sendAndWait(Topic<V> topic, String runId, V value) {
        Future<RecordMetadata> sent;
        try {
            sent = send(topic, runId, value);
        } catch (RuntimeException e) {
            throw new UndeliveredRecordsException(1, 1, e);
        }
        try {
            // The producer's own delivery timeout (30 s) ends the wait; the margin only covers its bookkeeping.
            return sent.get(45, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UndeliveredRecordsException(1, 1, e);
        } catch (ExecutionException e) {
            throw new UndeliveredRecordsException(1, 1, e.getCause());
        } catch (TimeoutException e) {
            throw new UndeliveredRecordsException(1, 1, e);
        }
    }

    /** Sends raw bytes (for tests of bad input and for replays of dead letters). */
    public Future<RecordMetadata> sendRaw(String topic, String key, byte[] value) {
        attempted.incrementAndGet();
        return producer.send(new ProducerRecord<>(topic, key, value), this::count);
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
