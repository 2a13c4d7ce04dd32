package dev.modehop.faults;

import dev.modehop.events.Alert;
import dev.modehop.events.HopStability;
import dev.modehop.events.ModeHop;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Everything that becomes visible {@code read_committed} on the job's output topics and the inputs'
 * dead-letter twins, with the time it arrived, read by a background consumer without a group (it keeps
 * reading through broker restarts). Values are kept as bytes and decoded at the end, when the registry is up.
 */
final class CommittedOutputs implements AutoCloseable {
    record Arrival(String topic, byte[] value, long nanos) {
    }

    private final Topics topics;
    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    /** The job's outputs and the inputs' dead letters. */
    CommittedOutputs(String bootstrapServers, Topics topics) {
        this(bootstrapServers, topics, jobTopics(topics));
    }

    private static List<String> jobTopics(Topics topics) {
        List<String> names = new ArrayList<>();
        topics.outputs().forEach(t -> names.add(t.name()));
        topics.inputs().forEach(t -> names.add(t.dlq()));
        return names;
    }

    CommittedOutputs(String bootstrapServers, Topics topics, List<String> names) {
        this.topics = topics;
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String n : names) {
            for (PartitionInfo p : consumer.partitionsFor(n, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(n, p.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(() -> {
            try (consumer) {
                while (running.get()) {
                    try {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                            arrivals.add(new Arrival(r.topic(), r.value(), System.nanoTime()));
                        }
                    } catch (org.apache.kafka.common.errors.RetriableException e) {
                        Launched.sleep(200);  // the broker is restarting
                    }
                }
            }
        }, "committed-outputs");
        thread.setDaemon(true);
        thread.start();
    }

    int count() {
        return arrivals.size();
    }

    /** The arrival time of the first record after {@code nanos}, or -1. */
    long firstArrivalAfter(long nanos) {
        for (Arrival a : arrivals) {
            if (a.nanos() > nanos) {
                return a.nanos();
            }
        }
        return -1;
    }

    /**
     * The longest stretch in [{@code fromNanos}, {@code toNanos}] with no record arriving, in ms: from the start
     * to the first arrival, between arrivals, from the last to the end.
     */
    long longestGapMs(long fromNanos, long toNanos) {
        long last = fromNanos;
        long longest = 0;
        for (Arrival a : arrivals) {
            if (a.nanos() > fromNanos && a.nanos() <= toNanos) {
                longest = Math.max(longest, a.nanos() - last);
                last = a.nanos();
            }
        }
        return Math.max(longest, toNanos - last) / 1_000_000;
    }

    List<String> hopIds() {
        return ids(topics.hopDetected, v -> ((ModeHop) v).getId());
    }

    List<String> verdictIds() {
        return ids(topics.hopStability, v -> ((HopStability) v).getId());
    }

    List<String> alertIds() {
        return ids(topics.alertRaised, v -> ((Alert) v).getId());
    }

    /**
     * Waits until every hop, verdict and alert {@code owed} has arrived (or {@code timeout} passed), then a
     * little longer for duplicates that would arrive right behind, and compares.
     */
    List<Ledger> settle(Reference owed, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !(hopIds().containsAll(owed.hops())
                && verdictIds().containsAll(owed.verdicts()) && alertIds().containsAll(owed.alerts()))) {
            Launched.sleep(250);
        }
        Launched.sleep(3_000);
        return List.of(Ledger.of("hops", owed.hops(), hopIds()), Ledger.of("verdicts", owed.verdicts(), verdictIds()),
                Ledger.of("alerts", owed.alerts(), alertIds()));
    }

    /** Dead letters of the three inputs: a valid input must never be among them. */
    long deadLetters() {
        List<String> dlqs = topics.inputs().stream().map(Topic::dlq).toList();
        return arrivals.stream().filter(a -> dlqs.contains(a.topic())).count();
    }

    private <V> List<String> ids(Topic<V> topic, java.util.function.Function<Object, String> id) {
        return values(topic).stream().map(id).toList();
    }

    /** Every record of {@code topic} seen so far, decoded, in arrival order. */
    <V> List<V> values(Topic<V> topic) {
        List<V> out = new ArrayList<>();
        for (Arrival a : arrivals) {
            if (a.topic().equals(topic.name())) {
                out.add(topic.valueSerde().deserializer().deserialize(a.topic(), a.value()));
            }
        }
        return out;
    }

    /** Every record of the topic named {@code topicName} (a dead-letter twin) decoded as {@code decodeAs}'s values. */
    <V> List<V> values(String topicName, Topic<V> decodeAs) {
        List<V> out = new ArrayList<>();
        for (Arrival a : arrivals) {
            if (a.topic().equals(topicName)) {
                out.add(decodeAs.valueSerde().deserializer().deserialize(decodeAs.name(), a.value()));
            }
        }
        return out;
    }

    Topics topics() {
        return topics;
    }

    long count(String topicName) {
        return arrivals.stream().filter(a -> a.topic().equals(topicName)).count();
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
