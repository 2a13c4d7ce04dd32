package dev.modehop.launcher;

import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Follows probe.scored, for the demo's scoring-time figures. */
final class ScoreWatcher implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;

    ScoreWatcher(String bootstrap, Topics topics, Consumer<ProbeScore> onScore) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, "modehop-demo-scores-" + UUID.randomUUID());
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topics.probeScored.name()));
        var deserializer = topics.probeScored.valueSerde().deserializer();
        thread = new Thread(() -> {
            try {
                while (true) {
                    for (var r : consumer.poll(Duration.ofMillis(200))) {
                        try {
                            onScore.accept(deserializer.deserialize(r.topic(), r.value()));
                        } catch (RuntimeException e) {
                            System.err.printf("modehop: skipped a probe score at offset %d: %s%n", r.offset(), e);
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close();
            }
        }, "modehop-score-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(5_000);
    }
}
