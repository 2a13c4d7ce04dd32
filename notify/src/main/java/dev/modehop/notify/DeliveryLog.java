package dev.modehop.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * What was done with each (alert, route): one JSON record per decision on the compacted topic
 * {@code <prefix>modehop.notify.delivered}, keyed {@code <alertId>|<route>}, written (and acknowledged)
 * before the alert's offset is committed. A starting notifier reads it whole, so alerts it re-reads
 * after a crash are not sent again, and cooldowns survive restarts.
 *
 * <p>Value: {@code {"alertId", "route", "runId", "rule", "status": "delivered"|"suppressed"|"rejected",
 * "attempts", "detail", "at": epoch ms}}.
 */
final class DeliveryLog implements AutoCloseable {
    static final String TOPIC_SUFFIX = "modehop.notify.delivered";
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Status { DELIVERED, SUPPRESSED, REJECTED }

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, Status> done = new HashMap<>();
    /** (run, rule, route) -> when its last delivery happened, for the cooldown. */
    private final Map<String, Long> lastDelivered = new HashMap<>();

    private DeliveryLog(String topic, KafkaProducer<String, byte[]> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    static String topicName(String prefix) {
        return (prefix == null ? "" : prefix) + TOPIC_SUFFIX;
    }

    /** Creates the log topic, compacted, where it does not exist yet (deploy/topics.yaml provisions it on clusters). */
    static void ensureTopic(Map<String, Object> kafka, String topic, Duration timeout) {
        try (Admin admin = Admin.create(kafka)) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create the delivery log " + topic + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not create the delivery log " + topic + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic, e);
        }
    }

    /** Reads the log from the beginning to its current end. */
    static DeliveryLog load(String topic, KafkaConsumer<String, byte[]> reader, KafkaProducer<String, byte[]> producer,
                            Duration timeout) {
        DeliveryLog log = new DeliveryLog(topic, producer);
        List<TopicPartition> parts = new ArrayList<>();
        List<PartitionInfo> infos = reader.partitionsFor(topic, timeout);
        if (infos != null) {
            infos.forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
        }
        reader.assign(parts);
        reader.seekToBeginning(parts);
        Map<TopicPartition, Long> end = reader.endOffsets(parts, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (parts.stream().anyMatch(p -> reader.position(p, timeout) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read the delivery log " + topic + " within " + timeout);
            }
            for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                if (r.value() != null) {
                    log.apply(r.value());
                }
            }
        }
        reader.close(Duration.ofSeconds(5));
        return log;
    }

    private void apply(byte[] value) {
        try {
            JsonNode n = JSON.readTree(new String(value, StandardCharsets.UTF_8));
            Status status = Status.valueOf(n.path("status").asText().toUpperCase(java.util.Locale.ROOT));
            String route = n.path("route").asText();
            done.put(key(n.path("alertId").asText(), route), status);
            if (status == Status.DELIVERED) {
                lastDelivered.merge(cooldownKey(n.path("runId").asText(), n.path("rule").asText(), route),
                        n.path("at").asLong(), Math::max);
            }
        } catch (Exception e) {
            // An unreadable entry says nothing about any alert; the alert will be considered again.
        }
    }

    boolean isDone(String alertId, String route) {
        return done.containsKey(key(alertId, route));
    }

    /** Whether a delivery for this (run, rule) to this route happened less than {@code cooldown} before {@code now}. */
    boolean coolingDown(String runId, String rule, String route, Duration cooldown, long now) {
        Long last = lastDelivered.get(cooldownKey(runId, rule, route));
        return last != null && now - last < cooldown.toMillis();
    }

    /** Records a decision and waits for the broker to have it. */
    void record(String alertId, String route, String runId, String rule, Status status, int attempts, String detail,
                long at) throws InterruptedException {
        ObjectNode o = JSON.createObjectNode().put("alertId", alertId).put("route", route).put("runId", runId)
                .put("rule", rule).put("status", status.name().toLowerCase(java.util.Locale.ROOT))
                .put("attempts", attempts).put("detail", detail).put("at", at);
        byte[] bytes = o.toString().getBytes(StandardCharsets.UTF_8);
        try {
            producer.send(new ProducerRecord<>(topic, alertId + "|" + route, bytes)).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not write the delivery log " + topic + ": "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
        apply(bytes);
    }

    private static String key(String alertId, String route) {
        return alertId + "|" + route;
    }

    private static String cooldownKey(String runId, String rule, String route) {
        return runId + "\u0000" + rule + "\u0000" + route;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
