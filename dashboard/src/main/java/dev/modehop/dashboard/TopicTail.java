package dev.modehop.dashboard;

import dev.modehop.schemas.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every topic the dashboard shows, from the beginning, on a thread of its own, and folds the records
 * into {@link RunViews}. Offsets are never committed: each start rebuilds the view from the retained log.
 * A record that cannot be decoded is logged and skipped (the stream job routes such records to its DLQs).
 */
final class TopicTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Deserializer<?>> decoders = new HashMap<>();
    private final RunViews views;
    /** Called after each batch with a run id and the topics (short names) that changed it. */
    private final BiConsumer<String, Set<String>> onChange;
    private final String topicPrefix;
    private final Thread thread;
    private volatile boolean running = true;

    TopicTail(Properties consumerConfig, List<Topic<?>> topics, String topicPrefix, RunViews views,
              BiConsumer<String, Set<String>> onChange) {
        Properties p = new Properties();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // the stream job writes with exactly-once transactions; aborted output must not reach the page
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // the dashboard must never create a topic (with the wrong partition count) by looking at it
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // topics created after the dashboard started are picked up within seconds, not the default 5 min
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5000);
        p.putAll(consumerConfig);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        for (Topic<?> t : topics) {
            decoders.put(t.name(), t.valueSerde().deserializer());
        }
        // the notifier's delivery log: absent until a notifier runs, and a subscription to a missing topic
        // simply assigns nothing, so a stack without notify shows no deliveries rather than an error
        decoders.put(Delivery.topicName(topicPrefix), new Delivery.Decoder());
        this.views = views;
        this.onChange = onChange;
        this.topicPrefix = topicPrefix;
        consumer.subscribe(decoders.keySet());
        this.thread = new Thread(this::run, "dashboard-topic-tail");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                Map<String, Set<String>> changed = new LinkedHashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    fold(r, changed);
                }
                changed.forEach((run, topics) -> {
                    try {
                        onChange.accept(run, topics);
                    } catch (RuntimeException e) {
                        LOG.warn("dashboard update listener failed: {}", e.toString());
                    }
                });
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("dashboard stopped reading topics", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void fold(ConsumerRecord<byte[], byte[]> r, Map<String, Set<String>> changed) {
        if (r.value() == null) {
            return;
        }
        Object value;
        try {
            value = decoders.get(r.topic()).deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            LOG.warn("skipping undecodable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
            return;
        }
        views.apply(value, r.timestamp()).ifPresent(run -> changed.computeIfAbsent(run, k -> new TreeSet<>())
                .add(shortName(r.topic())));
    }

    private String shortName(String topic) {
        String s = topic.startsWith(topicPrefix) ? topic.substring(topicPrefix.length()) : topic;
        return s.startsWith("modehop.") ? s.substring("modehop.".length()) : s;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
