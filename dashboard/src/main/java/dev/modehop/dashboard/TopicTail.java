package dev.modehop.dashboard;

import dev.modehop.schemas.Topic;
import dev.modehop.schemas.TopicReader;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every topic the dashboard shows, from the beginning, on a thread of its own ({@link TopicReader}), and
 * folds the records into {@link RunViews}. Offsets are never committed: each start rebuilds the view from the
 * retained log. A record that cannot be decoded is logged and skipped (the stream job routes such records to
 * its DLQs).
 */
final class TopicTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);

    private final RunViews views;
    /** Called after each batch with a run id and the topics (short names) that changed it. */
    private final BiConsumer<String, Set<String>> onChange;
    private final String topicPrefix;
    /** Runs changed by the batch being read; touched by the reader's thread only. */
    private final Map<String, Set<String>> changed = new LinkedHashMap<>();
    private final TopicReader reader;

    TopicTail(Properties consumerConfig, List<Topic<?>> topics, String topicPrefix, RunViews views,
              BiConsumer<String, Set<String>> onChange) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // the dashboard must never create a topic (with the wrong partition count) by looking at it
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // topics created after the dashboard started are picked up within seconds, not the default 5 min
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5000);
        consumerConfig.forEach((k, v) -> p.put(String.valueOf(k), v));
        Map<String, Deserializer<?>> decoders = new LinkedHashMap<>(TopicReader.decoders(topics));
        // the notifier's delivery log: absent until a notifier runs, and a subscription to a missing topic
        // simply assigns nothing, so a stack without notify shows no deliveries rather than an error
        decoders.put(Delivery.topicName(topicPrefix), new Delivery.Decoder());
        this.views = views;
        this.onChange = onChange;
        this.topicPrefix = topicPrefix;
        this.reader = TopicReader.subscribe("dashboard-topic-tail", p, decoders, this::fold, this::batchDone);
    }

    void start() {
        reader.start();
    }

    private void fold(TopicReader.Received r) {
        views.apply(r.value(), r.timestamp()).ifPresent(run -> changed.computeIfAbsent(run, k -> new TreeSet<>())
                .add(shortName(r.topic())));
    }

    private void batchDone() {
        changed.forEach((run, topics) -> {
            try {
                onChange.accept(run, topics);
            } catch (RuntimeException e) {
                LOG.warn("dashboard update listener failed: {}", e.toString());
            }
        });
        changed.clear();
    }

    private String shortName(String topic) {
        String s = topic.startsWith(topicPrefix) ? topic.substring(topicPrefix.length()) : topic;
        return s.startsWith("modehop.") ? s.substring("modehop.".length()) : s;
    }

    @Override
    public void close() {
        reader.close();
    }
}
