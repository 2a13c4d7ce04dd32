package dev.modehop.launcher;

import dev.modehop.schemas.Topic;
import dev.modehop.schemas.TopicReader;
import dev.modehop.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Follows topics as a downstream service would (read_committed, from the beginning, a group of its own),
 * hands each decoded value to a callback and keeps them for {@link #received}.
 */
public final class TopicFollower implements AutoCloseable {
    private final List<Object> received = new CopyOnWriteArrayList<>();
    private final TopicReader reader;

    /** The monitor's output topics. */
    public TopicFollower(String bootstrap, Topics topics, Consumer<Object> onRecord) {
        this(bootstrap, topics.outputs(), onRecord);
    }

    public TopicFollower(String bootstrap, List<Topic<?>> followed, Consumer<Object> onRecord) {
        Map<String, Object> cfg = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "modehop-watch-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        reader = TopicReader.subscribe("modehop-topic-follower", cfg, TopicReader.decoders(followed), r -> {
            received.add(r.value());
            if (onRecord != null) {
                onRecord.accept(r.value());
            }
        }, null).start();
    }

    public <T> List<T> received(Class<T> type) {
        return received.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Waits until {@code done} holds or the timeout passes; returns whether it holds. */
    public boolean await(BooleanSupplier done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    @Override
    public void close() {
        reader.close();
    }
}
