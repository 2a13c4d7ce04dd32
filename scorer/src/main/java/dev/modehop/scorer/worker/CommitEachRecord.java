package dev.modehop.scorer.worker;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The scorers' consume loop: one record handled at a time and its offset committed right after, so a worker
 * killed mid-checkpoint scores that checkpoint again and never skips one. Stops when {@code running} turns false
 * (between records, or by {@code wakeup()} during a poll); a wakeup while still running is an error and is
 * thrown.
 */
final class CommitEachRecord {
    private CommitEachRecord() {
    }

    /**
     * The consumer settings the loop needs: one record per poll, offsets committed by the loop only, an hour
     * allowed between polls (one checkpoint can take that long), from the earliest offset of a new group.
     */
    static Map<String, Object> consumerConfig(Map<String, Object> kafka, String groupId, String clientId) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofHours(1).toMillis());
        c.putAll(kafka);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return c;
    }

    static void run(Consumer<String, byte[]> consumer, AtomicBoolean running,
                    java.util.function.Consumer<ConsumerRecord<String, byte[]>> handle) {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    handle.accept(r);
                    consumer.commitSync(Map.of(new TopicPartition(r.topic(), r.partition()),
                            new OffsetAndMetadata(r.offset() + 1)));
                    if (!running.get()) {
                        break;
                    }
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        }
    }
}
