package dev.modehop.embedded.bench;

import dev.modehop.embedded.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A read_committed consumer of a pipeline's output on its own thread. It counts what it sees and when the last
 * record came; with send times it also takes, for each output whose key the producer recorded, the time from
 * that send to the poll that returned the output (what a downstream reader of the topic would wait).
 */
final class LatencyReader implements AutoCloseable {
    private final Thread thread;
    private final AtomicBoolean done = new AtomicBoolean();
    private final List<Sample> latencies = Collections.synchronizedList(new ArrayList<>());
    private final Object lock = new Object();
    private long seen;
    private long lastSeenNanos;

    /**
     * @param key     the output's send-time key; null when nothing is timed
     * @param sentAt  send times by key, filled by the producer while this reads; null when nothing is timed
     */
    LatencyReader(EmbeddedKafka kafka, String name, String topic, Function<ConsumerRecord<String, byte[]>, String> key,
                  Map<String, Long> sentAt) {
        thread = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> c = BenchmarkClients.consumer(kafka, name, true)) {
                c.subscribe(List.of(topic));
                while (!done.get()) {
                    for (ConsumerRecord<String, byte[]> rec : c.poll(Duration.ofMillis(20))) {
                        long now = System.nanoTime();
                        if (key != null) {
                            String k = key.apply(rec);
                            Long t0 = sentAt == null ? null : sentAt.get(k);
                            if (t0 != null) {
                                latencies.add(new Sample(k, now - t0));
                            }
                        }
                        synchronized (lock) {
                            seen++;
                            lastSeenNanos = now;
                        }
                    }
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until {@code expected} outputs were seen or {@code timeout} passed. */
    void await(long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && seen() < expected) {
            Thread.sleep(20);
        }
    }

    long seen() {
        synchronized (lock) {
            return seen;
        }
    }

    long lastSeenNanos() {
        synchronized (lock) {
            return lastSeenNanos;
        }
    }

    /** One latency taken: the output's send-time key and the nanoseconds from that send to the poll. */
    record Sample(String key, long nanos) {
    }

    /** The latencies taken so far of the outputs whose key {@code counted} accepts, sorted, in nanoseconds. */
    List<Long> sortedLatencies(Predicate<String> counted) {
        List<Long> sorted = new ArrayList<>();
        synchronized (latencies) {
            for (Sample s : latencies) {
                if (counted.test(s.key())) {
                    sorted.add(s.nanos());
                }
            }
        }
        Collections.sort(sorted);
        return sorted;
    }

    @Override
    public void close() throws InterruptedException {
        done.set(true);
        thread.join();
    }
}
