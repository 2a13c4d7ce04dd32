package dev.modehop.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows topics on a thread of its own, decodes each value with its topic's deserializer and hands it on: the one
 * loop behind the CLI's followers, the dashboard and a training job's control commands. It reads committed
 * records only (the stream jobs write in transactions; aborted output must reach no reader). A record that
 * cannot be decoded, or whose handler fails, is logged and skipped: one bad record never stops the reader.
 * Tombstones (null values) are skipped. Offsets are whatever the given consumer settings say.
 */
public final class TopicReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicReader.class);
    private static final Duration POLL = Duration.ofMillis(200);

    /** A decoded record and where it was read. */
    public record Received(String topic, int partition, long offset, long timestamp, String key, Headers headers,
                           Object value) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Deserializer<?>> decoders;
    private final Consumer<Received> onRecord;
    private final Runnable afterBatch;
    private final Thread thread;
    private volatile boolean closing;

    private TopicReader(String name, Map<String, ?> config, Map<String, Deserializer<?>> decoders,
                        Consumer<Received> onRecord, Runnable afterBatch) {
        Map<String, Object> cfg = new HashMap<>(config);
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer());
        this.decoders = Map.copyOf(decoders);
        this.onRecord = onRecord;
        this.afterBatch = afterBatch;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    /** The value deserializers of {@code topics}, by topic name. */
    public static Map<String, Deserializer<?>> decoders(List<Topic<?>> topics) {
        Map<String, Deserializer<?>> out = new LinkedHashMap<>();
        for (Topic<?> t : topics) {
            out.put(t.name(), t.valueSerde().deserializer());
        }
        return out;
    }

    /**
     * Subscribes to the topics {@code decoders} names (a missing one assigns nothing until it exists) and reads
     * from where the consumer settings put it. Call {@link #start}.
     *
     * @param afterBatch called on the reader's thread after each poll's records; null for nothing
     */
    public static TopicReader subscribe(String threadName, Map<String, ?> config, Map<String, Deserializer<?>> decoders,
                                        Consumer<Received> onRecord, Runnable afterBatch) {
        TopicReader reader = new TopicReader(threadName, config, decoders, onRecord, afterBatch);
        reader.consumer.subscribe(new ArrayList<>(decoders.keySet()));
        return reader;
    }

    /**
     * Every partition of {@code topic}, positioned at its end before this returns, so that no record written from
     * now on is missed (no group, nothing committed). Call {@link #start}.
     */
    public static TopicReader fromNow(String threadName, Map<String, ?> config, Topic<?> topic,
                                      Consumer<Received> onRecord) {
        TopicReader reader = new TopicReader(threadName, config, decoders(List.of(topic)), onRecord, null);
        KafkaConsumer<String, byte[]> c = reader.consumer;
        List<TopicPartition> partitions = c.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        c.assign(partitions);
        c.seekToEnd(partitions);
        partitions.forEach(c::position);
        return reader;
    }

    public TopicReader start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (!closing) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    if (r.value() != null) {
                        handle(r);
                    }
                }
                if (afterBatch != null) {
                    afterBatch.run();
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                LOG.error("{} stopped: woken up while not closing", thread.getName(), e);
            }
        } catch (RuntimeException e) {
            LOG.error("{} stopped reading topics", thread.getName(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
        Object value;
        try {
            value = decoders.get(r.topic()).deserialize(r.topic(), r.headers(), r.value());
        } catch (RuntimeException e) {
            LOG.warn("skipped an undecodable record of {}-{} at offset {}: {}", r.topic(), r.partition(), r.offset(),
                    e.toString());
            return;
        }
        if (value == null) {
            return;
        }
        try {
            onRecord.accept(new Received(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.headers(),
                    value));
        } catch (RuntimeException e) {
            LOG.warn("record of {}-{} at offset {} not handled: {}", r.topic(), r.partition(), r.offset(), e.toString());
        }
    }

    /** Stops the thread (waits up to 10 s for it) and closes the consumer. */
    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        if (thread.isAlive()) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
