package dev.modehop.scorer.worker;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.Consumer;
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
