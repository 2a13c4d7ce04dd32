package dev.modehop.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.core.MonitorConfig;
import dev.modehop.core.RunMonitor;
import dev.modehop.embedded.EmbeddedKafka;
import dev.modehop.embedded.EmbeddedSchemaRegistry;
import dev.modehop.events.ModeHop;
import dev.modehop.events.ModeObservation;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the real pieces: an in-process KRaft broker, the embedded registry over HTTP, the
 * Kafka Streams job with exactly-once. The job is stopped in the middle of a stream and a new instance
 * (with empty local state, so it must restore from the changelog) finishes it: a read_committed consumer
 * sees every observation and every hop exactly once.
 */
class ExactlyOnceRestartTest {
    static final int CHECKPOINTS = 60;

    @TempDir
    Path tmp;

    @Test
    void restartInTheMiddleOfAStreamLosesAndDuplicatesNoHop() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, registry.url()));
            kafka.createTopics(topics.allNamesWithDlq(), 2);
            RunMonitor monitor = new RunMonitor(MonitorConfig.defaults());
            List<String> runs = List.of("alpha", "beta", "gamma");
            Set<String> expectedHops = new TreeSet<>();
            // The first half of the stream is there before the first instance starts, the second half only
            // after it stopped: the restart always falls in the middle, however fast the first instance is.
            produce(kafka, topics, runs, 1, CHECKPOINTS / 2, expectedHops);
            List<ModeObservation> observations = new ArrayList<>();
            List<ModeHop> hops = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = committedReader(kafka, topics)) {
                MonitorStreamsJob first = MonitorStreamsJob.start(topics, monitor, MonitorStreamsJob.config(
                        kafka.bootstrapServers(), "eos-test", Files.createDirectory(tmp.resolve("a")).toString(), Map.of()));
                readUntil(consumer, topics, observations, hops, () -> observations.size() >= 20);
                first.close();
                produce(kafka, topics, runs, CHECKPOINTS / 2 + 1, CHECKPOINTS, expectedHops);
                MonitorStreamsJob second = MonitorStreamsJob.start(topics, monitor, MonitorStreamsJob.config(
                        kafka.bootstrapServers(), "eos-test", Files.createDirectory(tmp.resolve("b")).toString(), Map.of()));
                try {
                    readUntil(consumer, topics, observations, hops, () -> observations.size() >= CHECKPOINTS * runs.size());
                    // Anything duplicated would arrive right behind; give it the chance.
                    readFor(consumer, topics, observations, hops, Duration.ofSeconds(2));
                } finally {
                    second.close();
                }
            }
            List<String> observationIds = observations.stream().map(ModeObservation::getId).toList();
            assertEquals(CHECKPOINTS * runs.size(), observationIds.size(), "every observation exactly once");
            assertEquals(observationIds.size(), new TreeSet<>(observationIds).size(), "no duplicate observation");
            List<String> hopIds = hops.stream().map(ModeHop::getId).sorted().toList();
            assertEquals(List.copyOf(expectedHops), hopIds, "every hop exactly once");
        }
    }

    /** Checkpoints {@code from..to} of every run; each run hops every 10 checkpoints, offset per run. */
    private static void produce(EmbeddedKafka kafka, Topics topics, List<String> runs, int from, int to,
                                Set<String> expectedHops) {
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            for (int i = from; i <= to; i++) {
                long step = 50L * i;
                for (String run : runs) {
                    int phase = (i + run.length()) / 10;
                    double acc = phase % 2 == 0 ? 0.95 : 0.05;
                    send(producer, topics.checkpointReady, run, Events.ready(run, step, step));
                    send(producer, topics.probeScored, run, Events.score(run, step, "flipped", acc, step));
                    int prevPhase = (i - 1 + run.length()) / 10;
                    if (i > 1 && prevPhase != phase) {
                        expectedHops.add(run + "/flipped/" + step + "/hop");
                    }
                }
            }
        }
    }

    private static <V> void send(KafkaProducer<String, byte[]> p, Topic<V> topic, String key, V value) {
        p.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)));
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(cfg, new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> committedReader(EmbeddedKafka kafka, Topics topics) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, "eos-reader");
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topics.modeObserved.name(), topics.hopDetected.name()));
        return c;
    }

    private static void readUntil(KafkaConsumer<String, byte[]> c, Topics topics, List<ModeObservation> obs,
                                  List<ModeHop> hops, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            poll(c, topics, obs, hops);
        }
        assertTrue(done.getAsBoolean(), "timed out: " + obs.size() + " observations, " + hops.size() + " hops");
    }

    private static void readFor(KafkaConsumer<String, byte[]> c, Topics topics, List<ModeObservation> obs,
                                List<ModeHop> hops, Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < deadline) {
            poll(c, topics, obs, hops);
        }
    }

    private static void poll(KafkaConsumer<String, byte[]> c, Topics topics, List<ModeObservation> obs,
                             List<ModeHop> hops) {
        for (var r : c.poll(Duration.ofMillis(200))) {
            if (r.topic().equals(topics.modeObserved.name())) {
                obs.add(topics.modeObserved.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            } else {
                hops.add(topics.hopDetected.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            }
        }
    }
}
