package dev.modehop.notify;

import dev.modehop.events.Alert;
import dev.modehop.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes alert.raised in a consumer group and delivers each alert to every route that wants it, in
 * order per partition. An alert's offset is committed only after every route's outcome is in the
 * {@link DeliveryLog}; a restarted notifier re-reads uncommitted alerts and skips the (alert, route)
 * pairs the log already holds. So nothing is lost (a webhook outage only holds the partition back) and
 * nothing is sent twice, except an alert whose receiver answered 2xx in the instant before a crash and
 * before the log write: receivers that must never see a repeat dedupe on the {@code X-Modehop-Alert-Id}
 * header (the alert id is deterministic).
 */
public final class Notifier implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final HopContext context;
    private final DeliveryLog log;
    private final HttpDelivery delivery;
    private final NotifyConfig config;
    private final Topics topics;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean running;

    private Notifier(KafkaConsumer<String, byte[]> consumer, HopContext context, DeliveryLog log, NotifyConfig config,
                     Topics topics) {
        this.consumer = consumer;
        this.context = context;
        this.log = log;
        this.config = config;
        this.topics = topics;
        this.delivery = new HttpDelivery(config);
    }

    /**
     * @param kafka       client settings (bootstrap.servers, security, ...)
     * @param fromStart   a group without committed offsets starts at the oldest retained alert (true) or
     *                    at new alerts only (false, so a first deployment does not replay two weeks of alerts)
     */
    public static Notifier create(Map<String, Object> kafka, String groupId, Topics topics, String topicPrefix,
                                  NotifyConfig config, boolean fromStart) {
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Object> group = new HashMap<>(c);
        group.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        group.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromStart ? "earliest" : "latest");
        group.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        DeliveryLog.ensureTopic(kafka, DeliveryLog.topicName(topicPrefix), Duration.ofSeconds(30));
        DeliveryLog log = DeliveryLog.load(DeliveryLog.topicName(topicPrefix),
                new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer()),
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer()), Duration.ofSeconds(60));
        HopContext context = new HopContext(new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer()),
                topics);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(group, new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(topics.alertRaised.name()));
        return new Notifier(consumer, context, log, config, topics);
    }

    @Override
    public void run() {
        running = true;
        try {
            while (!closed.get()) {
                context.poll(Duration.ZERO);
                ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(500));
                for (TopicPartition tp : batch.partitions()) {
                    for (ConsumerRecord<String, byte[]> r : batch.records(tp)) {
                        handle(r);
                        try {
                            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(r.offset() + 1)));
                        } catch (CommitFailedException e) {
                            // The partition moved to another member while we delivered; it will re-read
                            // from the last commit and the delivery log keeps it from sending again.
                            LOG.warn("commit of {}@{} failed after a rebalance: {}", tp, r.offset(), e.getMessage());
                            break;
                        }
                    }
                }
            }
        } catch (WakeupException | InterruptedException e) {
            if (!closed.get()) {
                throw new IllegalStateException("notifier interrupted", e);
            }
        } finally {
            running = false;
            consumer.close(Duration.ofSeconds(5));
            context.close();
            log.close();
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r) throws InterruptedException {
        Alert alert;
        try {
            alert = topics.alertRaised.valueSerde().deserializer().deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            LOG.warn("skipping undecodable alert {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return;
        }
        HopContext.Entry entry = awaitContext(alert);
        AlertSummary summary = AlertSummary.of(alert, entry, config.dashboardUrl());
        for (NotifyConfig.Route route : config.routes()) {
            if (!route.wants(alert.getSeverity()) || log.isDone(alert.getId(), route.name())) {
                continue;
            }
            long now = System.currentTimeMillis();
            if (log.coolingDown(alert.getRunId(), alert.getRule(), route.name(), route.cooldown(), now)) {
                log.record(alert.getId(), route.name(), alert.getRunId(), alert.getRule(), DeliveryLog.Status.SUPPRESSED,
                        0, "cooldown " + route.cooldown(), now);
                continue;
            }
            String body = route.kind() == NotifyConfig.Kind.SLACK ? SlackMessage.render(summary)
                    : WebhookPayload.render(summary);
            HttpDelivery.Outcome outcome = delivery.deliver(route, alert.getId(), body, this::pause);
            if (outcome.delivered()) {
                delivered.incrementAndGet();
            } else {
                LOG.error("route {} refused alert {} ({}): check its url; the alert is recorded as rejected",
                        route.name(), alert.getId(), outcome.detail());
            }
            log.record(alert.getId(), route.name(), alert.getRunId(), alert.getRule(),
                    outcome.delivered() ? DeliveryLog.Status.DELIVERED : DeliveryLog.Status.REJECTED,
                    outcome.attempts(), outcome.detail(), System.currentTimeMillis());
        }
    }

    /**
     * The stream job writes the hop (and the verdict) in the same transaction as the alert, but on other
     * topics, so they may be read a moment later: wait briefly for them, then send what is known.
     */
    private HopContext.Entry awaitContext(Alert alert) throws InterruptedException {
        boolean wantsVerdict = alert.getId().endsWith("/stable") || alert.getId().endsWith("/transient");
        long deadline = System.nanoTime() + config.contextWait().toNanos();
        while (true) {
            HopContext.Entry e = context.get(alert.getHopId());
            if (e != null && e.hop() != null && (!wantsVerdict || e.verdict() != null)) {
                return e;
            }
            if (System.nanoTime() >= deadline) {
                return e;
            }
            context.poll(Duration.ofMillis(50));
        }
    }

    /** Waits between delivery attempts while staying in the group (poll with every partition paused). */
    private void pause(Duration d) throws InterruptedException {
        long deadline = System.nanoTime() + d.toNanos();
        Set<TopicPartition> paused = consumer.assignment();
        consumer.pause(paused);
        try {
            while (!closed.get()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                ConsumerRecords<String, byte[]> got = consumer.poll(Duration.ofNanos(Math.min(left, 200_000_000L)));
                // Partitions assigned by a rebalance during the pause are not paused: rewind what they gave.
                for (TopicPartition tp : got.partitions()) {
                    consumer.seek(tp, got.records(tp).get(0).offset());
                    consumer.pause(Set.of(tp));
                }
            }
            throw new InterruptedException("notifier closing");
        } finally {
            consumer.resume(consumer.paused());
        }
    }

    public long deliveredCount() {
        return delivered.get();
    }

    public boolean isRunning() {
        return running;
    }

    @Override
    public void close() {
        closed.set(true);
        consumer.wakeup();
    }
}
