package dev.modehop.ops;

import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far a consumer group is behind on its topics, as the broker sees it: per topic, the sum over partitions
 * of (log end offset - the group's committed offset; the log start where nothing is committed yet). For the
 * scorers this is the number of checkpoints announced but not yet scored (the one in progress included: its
 * offset is committed after its scores are sent), whichever worker owns them; so every worker reports the
 * whole group's lag and a dashboard takes the {@code max} per group.
 *
 * <p>A consumer's own {@code records-lag-max} cannot say this for the scorer: the worker does not poll while it
 * scores (minutes), so its fetch metrics stand still exactly when the queue grows. The admin calls here run on
 * their own thread every {@code interval}; when they fail the gauges read NaN until the next success, never a
 * stale number.
 */
public final class ConsumerGroupLag implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupLag.class);

    private final Admin admin;
    private final String group;
    private final List<String> topics;
    private final Duration timeout;
    private final ServiceMetrics metrics;
    private final Map<String, AtomicReference<Double>> lagByTopic = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    private ConsumerGroupLag(Admin admin, String group, List<String> topics, Duration interval, ServiceMetrics metrics) {
        this.admin = admin;
        this.group = group;
        this.topics = List.copyOf(topics);
        this.timeout = interval.multipliedBy(2).compareTo(Duration.ofSeconds(5)) < 0 ? Duration.ofSeconds(5)
                : interval.multipliedBy(2);
        this.metrics = metrics;
        for (String topic : this.topics) {
            AtomicReference<Double> lag = new AtomicReference<>(Double.NaN);
            lagByTopic.put(topic, lag);
            Gauge.builder(ServiceMetrics.CONSUMER_GROUP_LAG, lag, AtomicReference::get)
                    .description("Records on the topic that the consumer group has not committed yet")
                    .tag("group", group).tag("topic", topic).register(metrics.registry());
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "modehop-group-lag");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts measuring {@code group}'s lag on {@code topics} (names as on the broker, prefix included) with an
     * admin client of {@code kafka}'s settings.
     */
    public static ConsumerGroupLag start(Properties kafka, String group, List<String> topics, Duration interval,
                                         ServiceMetrics metrics) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.putIfAbsent("client.id", "modehop-group-lag-" + group);
        return new ConsumerGroupLag(Admin.create(p), group, topics, interval, metrics);
    }

    /** The last measured lag of {@code topic}; NaN before the first measurement or after a failed one. */
    public double lag(String topic) {
        AtomicReference<Double> lag = lagByTopic.get(topic);
        return lag == null ? Double.NaN : lag.get();
    }

    void refresh() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<TopicPartition> partitions = new ArrayList<>();
            described.values().forEach(d -> d.partitions()
                    .forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = offsets(partitions, OffsetSpec.latest());
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = offsets(partitions, OffsetSpec.earliest());
            Map<String, Long> sums = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata done = committed.get(tp);
                long from = done != null ? done.offset() : starts.get(tp).offset();
                sums.merge(tp.topic(), Math.max(0, ends.get(tp).offset() - from), Long::sum);
            }
            for (String topic : topics) {
                lagByTopic.get(topic).set((double) sums.getOrDefault(topic, 0L));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            lagByTopic.values().forEach(lag -> lag.set(Double.NaN));
            LOG.debug("lag of group {} not measured: {}", group, e.toString());
        }
    }

    private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(List<TopicPartition> partitions,
                                                                                 OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        return admin.listOffsets(request).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
