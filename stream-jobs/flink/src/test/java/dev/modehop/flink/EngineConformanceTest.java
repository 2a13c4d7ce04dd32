package dev.modehop.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.embedded.EmbeddedKafka;
import dev.modehop.embedded.EmbeddedServers;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The slow tier: the Flink job in a MiniCluster must emit exactly what the Kafka Streams topology emits for
 * the same recorded stream, first through in-memory source and sink, then end to end through the
 * in-process broker at parallelism 2 with exactly-once delivery and an injected failure, read by a
 * read_committed consumer.
 */
class EngineConformanceTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final EmbeddedServers SERVERS = EmbeddedServers.registry();

    private static Map<String, String> serdeConfig() {
        return SERVERS.serdeConfig();
    }

    private static JobSettings settings(String prefix) {
        return JobSettings.builder(prefix, serdeConfig()).monitorConfig(RecordedStream::monitorConfig)
                .checkpointInterval(Duration.ofMillis(300)).build();
    }

    @Test
    void flinkJobEmitsWhatTheKafkaStreamsJobEmits() throws Exception {
        Topics topics = Topics.create("", serdeConfig());
        RecordedStream stream = new RecordedStream(topics);
        Engines.Outputs expected = Engines.kafkaStreams(topics, stream.all(), true);

        InputDecoder decoder = new InputDecoder("", serdeConfig());
        Map<String, Long> offsets = new HashMap<>();
        ArrayList<InputRecord> inputs = new ArrayList<>();
        for (RecordedStream.Recorded r : stream.all()) {
            long offset = offsets.merge(r.topic(), 1L, Long::sum) - 1;
            inputs.add(decoder.classify(InputRecord.raw(r.topic(), 0, offset, r.timestamp(),
                    r.key().getBytes(StandardCharsets.UTF_8), r.value(), new RecordHeaders())));
        }
        CollectingSink.RECORDS.clear();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // One source reader keeps the recorded order, as the test driver does.
        env.setParallelism(1);
        new MonitorFlinkJob(new DataGeneratorSource<>(i -> inputs.get(i.intValue()), inputs.size(),
                TypeInformation.of(InputRecord.class)), new CollectingSink(), settings("")).build(env);
        env.execute("conformance");

        Engines.Outputs actual = new Engines.Outputs(topics, true);
        for (OutgoingRecord r : CollectingSink.RECORDS) {
            actual.add(r.topic, r.key, r.value, r.timestamp, r.headers());
        }
        assertTrue(expected.byTopic.containsKey(topics.hopDetected.name()), "the stream must produce a hop");
        assertTrue(expected.byTopic.containsKey(topics.runControl.name()), "and a control command");
        assertTrue(expected.byTopic.containsKey(topics.averagingRequested.name()), "and an averaging request");
        assertTrue(expected.byTopic.containsKey(topics.alertRaised.name()), "and a missing-scores alert");
        assertEquals(R3_PREDICTOR_TESTS, expected.byTopic.get(topics.predictorTest.name()).get("r3").size(),
                "and r3's predictor test after each of its paired checkpoints");
        assertEquals(5, expected.byTopic.get(topics.probeScored.dlq()).values().stream().mapToInt(List::size).sum(),
                "garbage, NaN, late score, two scores of an unknown run:\n" + expected);
        assertEquals(List.of("flipped GENERALIZING->MIXED at 40", "flipped MIXED->GENERALIZING at 80", "loss null->null at 80"),
                hopsOf(topics, expected, "r3"), "hops into and out of MIXED, and a plain series' change point (known one checkpoint later)");
        assertEquals(expected.toString(), actual.toString());
    }

    private static final int R3_PREDICTOR_TESTS = RecordedStream.R3_MIXED.length;

    private static List<String> hopsOf(Topics topics, Engines.Outputs outputs, String run) {
        var deserializer = topics.hopDetected.valueSerde().deserializer();
        return outputs.byTopic.get(topics.hopDetected.name()).getOrDefault(run, List.of()).stream()
                .map(d -> (dev.modehop.events.ModeHop) deserializer.deserialize(topics.hopDetected.name(),
                        java.util.Base64.getDecoder().decode(d.substring(d.lastIndexOf("bytes=") + 6))))
                .map(h -> h.getSeries() + " " + h.getFrom() + "->" + h.getTo() + " at " + h.getStep())
                .toList();
    }

    /**
     * End to end at parallelism 2 with EXACTLY_ONCE, and a failure in the middle: the sink throws once, half
     * way through the outputs, with records of its open transaction already sent. Flink restarts from its
     * last checkpoint (Kafka offsets, run state, pending transactions), the open transaction is aborted and
     * the inputs since that checkpoint are processed again. A read_committed consumer must still see what
     * the Kafka Streams job emits, each output once.
     */
    @Test
    void endToEndExactlyOnceThroughKafkaAtParallelismTwoDespiteAFailure() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String prefix = "e2e.";
            Topics topics = Topics.create(prefix, serdeConfig());
            kafka.createTopics(topics.allNamesWithDlq(), 2);
            RecordedStream stream = new RecordedStream(topics);
            Engines.Outputs expected = Engines.kafkaStreams(topics, stream.all(), false);
            assertEquals(List.of(), duplicateIds(expected), "the reference itself has unique output ids");

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            env.configure(new Configuration()
                    .set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay")
                    .set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3)
                    .set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200)));
            JobSettings settings = settings(prefix);
            assertEquals(DeliveryGuarantee.EXACTLY_ONCE, settings.delivery());
            // Phase 1 yields two dead letters only, so the failure falls in phase 2, after a checkpoint.
            FailingOnceSerializer.arm(expected.size() / 2);
            JobClient job = MonitorFlinkJob.onKafka(kafka.bootstrapServers(), settings, new Properties(),
                    new FailingOnceSerializer()).start(env);
            try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers());
                 Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                send(producer, stream.phase1);
                // Announcements must be processed before the scores, as the recorded order says: wait until
                // the job's checkpoints have committed the announcement topics' offsets.
                awaitCommitted(admin, prefix + "modehop-flink",
                        List.of(topics.checkpointReady.name(), topics.dataWindowClosed.name(),
                                topics.checkpointPredictors.name()));
                send(producer, stream.phase2);
            }
            Engines.Outputs actual = readCommitted(kafka.bootstrapServers(), topics, expected.size());
            job.cancel().get();
            assertTrue(FailingOnceSerializer.FAILED.get(), "the injected failure must have happened");
            assertEquals(List.of(), duplicateIds(actual), "no output twice");
            assertEquals(expected.toString(), actual.toString());
        }
    }

    /** Output ids (every derived record carries a deterministic one) that occur more than once. */
    private static List<String> duplicateIds(Engines.Outputs outputs) {
        Map<String, Integer> counts = new TreeMap<>();
        outputs.ids.forEach(id -> counts.merge(id, 1, Integer::sum));
        return counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }

    /**
     * The job's serializer that throws once, at the n-th record the sinks serialize (both subtasks count
     * together); static because Flink deserializes a fresh copy on every (re)start, in this JVM.
     */
    static final class FailingOnceSerializer implements KafkaRecordSerializationSchema<OutgoingRecord> {
        static final AtomicInteger SERIALIZED = new AtomicInteger();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static volatile int failAt;
        private final OutgoingRecordSerializer delegate = new OutgoingRecordSerializer();

        static void arm(int n) {
            SERIALIZED.set(0);
            FAILED.set(false);
            failAt = n;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(OutgoingRecord r, KafkaSinkContext context, Long timestamp) {
            if (SERIALIZED.incrementAndGet() == failAt && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure at output " + failAt);
            }
            return delegate.serialize(r, context, timestamp);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Map<String, Object> p = Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", 0);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, List<RecordedStream.Recorded> records)
            throws Exception {
        for (RecordedStream.Recorded r : records) {
            producer.send(new ProducerRecord<>(r.topic(), null, r.timestamp(), r.key().getBytes(StandardCharsets.UTF_8),
                    r.value())).get();
        }
    }

    private static void awaitCommitted(Admin admin, String group, List<String> topicNames) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (String t : topicNames) {
            for (int p = 0; p < 2; p++) {
                latest.put(new TopicPartition(t, p), OffsetSpec.latest());
            }
        }
        var ends = admin.listOffsets(latest).all().get();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            boolean done = ends.entrySet().stream().allMatch(e -> {
                OffsetAndMetadata c = committed.get(e.getKey());
                return (c == null ? 0 : c.offset()) >= e.getValue().offset();
            });
            if (done) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the Flink job did not commit the phase-1 offsets");
    }

    /** Reads every output until the expected count arrived, then a little longer to catch duplicates. */
    private static Engines.Outputs readCommitted(String bootstrap, Topics topics, int expected) {
        Map<String, Object> c = Map.of("bootstrap.servers", bootstrap, "group.id", "verifier",
                "auto.offset.reset", "earliest", "isolation.level", "read_committed");
        Engines.Outputs outputs = new Engines.Outputs(topics, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(Engines.outputNames(topics));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    outputs.add(r.topic(), r.key(), r.value(), r.timestamp(), r.headers());
                }
                if (outputs.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        return outputs;
    }

    /** Keeps what the job emits, for the in-memory run. */
    static final class CollectingSink implements Sink<OutgoingRecord> {
        static final ConcurrentLinkedQueue<OutgoingRecord> RECORDS = new ConcurrentLinkedQueue<>();

        @Override
        public SinkWriter<OutgoingRecord> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(OutgoingRecord element, Context ctx) {
                    RECORDS.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
