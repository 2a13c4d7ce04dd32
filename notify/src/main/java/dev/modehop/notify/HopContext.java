package dev.modehop.notify;

import dev.modehop.events.HopStability;
import dev.modehop.events.ModeHop;
import dev.modehop.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hops and verdicts that alerts refer to, so a message can say family, from/to, verdict and windows
 * (an Alert carries only its hop id). Read from hop.detected and hop.stability from the beginning by a
 * consumer outside any group, so a restarted notifier knows the hops of alerts it has yet to deliver.
 * Bounded: the oldest hops are forgotten first.
 */
final class HopContext implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HopContext.class);
    static final int MAX_HOPS = 50_000;

    /** A hop and, once judged, its verdict. */
    record Entry(ModeHop hop, HopStability verdict) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Topics topics;
    private final Map<String, Entry> byHopId = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_HOPS;
        }
    };

    HopContext(KafkaConsumer<String, byte[]> consumer, Topics topics) {
        this.consumer = consumer;
        this.topics = topics;
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(topics.hopDetected.name(), topics.hopStability.name())) {
            List<PartitionInfo> infos = consumer.partitionsFor(t, Duration.ofSeconds(10));
            if (infos != null) {
                infos.forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
            }
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** Reads what arrived, waiting at most {@code wait}. */
    void poll(Duration wait) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(wait)) {
            try {
                if (r.topic().equals(topics.hopDetected.name())) {
                    ModeHop hop = topics.hopDetected.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    byHopId.merge(hop.getId(), new Entry(hop, null), (old, n) -> new Entry(hop, old.verdict()));
                } else {
                    HopStability s = topics.hopStability.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    byHopId.merge(s.getHopId(), new Entry(null, s), (old, n) -> new Entry(old.hop(), s));
                }
            } catch (RuntimeException e) {
                // The stream job dead-letters bad records itself; here a bad one only costs its context.
                LOG.warn("skipping undecodable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
        }
    }

    Entry get(String hopId) {
        return byHopId.get(hopId);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
