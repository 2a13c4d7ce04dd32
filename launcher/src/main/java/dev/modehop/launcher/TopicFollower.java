package dev.modehop.launcher;

import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows topics as a downstream service would (read_committed, from the beginning, a group of its own),
 * hands each decoded value to a callback and keeps them for {@link #received}.
 */
public final class TopicFollower implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Topic<?>> byName = new HashMap<>();
    private final List<Object> received = new CopyOnWriteArrayList<>();
    private final Thread thread;

    /** The monitor's output topics. */
    public TopicFollower(String bootstrap, Topics topics, Consumer<Object> onRecord) {
        this(bootstrap, topics.outputs(), onRecord);
    }

    public TopicFollower(String bootstrap, List<Topic<?>> followed, Consumer<Object> onRecord) {
        for (Topic<?> t : followed) {
            byName.put(t.name(), t);
        }
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, "modehop-watch-" + UUID.randomUUID());
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(new ArrayList<>(byName.keySet()));
        thread = new Thread(() -> {
            try {
                while (true) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        try {
                            Object value = byName.get(r.topic()).valueSerde().deserializer().deserialize(r.topic(), r.value());
                            received.add(value);
                            if (onRecord != null) {
                                onRecord.accept(value);
                            }
                        } catch (RuntimeException e) {
                            // One bad record must not stop the follower.
                            System.err.printf("modehop: skipped a record of %s at offset %d: %s%n", r.topic(), r.offset(), e);
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close();
            }
        }, "modehop-topic-follower");
        thread.setDaemon(true);
        thread.start();
    }

    public <T> List<T> received(Class<T> type) {
        return received.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Waits until {@code done} holds or the timeout passes; returns whether it holds. */
    public boolean await(java.util.function.BooleanSupplier done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
