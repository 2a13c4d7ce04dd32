package dev.modehop.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.core.MonitorConfig;
import dev.modehop.core.RunMonitor;
import dev.modehop.embedded.EmbeddedServers;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import dev.modehop.step.DeadLetters;
import dev.modehop.core.RunState;
import dev.modehop.core.SeriesEntry;
import dev.modehop.step.MonitorStep;
import dev.modehop.step.PartCodec;
import dev.modehop.step.StepSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The processor on its own and in a test driver: poison records, expiry with tombstones, a revived task. */
class RunMonitorProcessorTest {
    static final long T0 = 1_767_225_600_000L;
    @RegisterExtension
    static final EmbeddedServers SERVERS = EmbeddedServers.registry();
    static Topics topics;

    @BeforeAll
    static void start() {
        topics = Topics.create("", SERVERS.serdeConfig());
    }

    private static TopologyTestDriver driver(StepSettings settings) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MonitorStep step = new MonitorStep(topics, new RunMonitor(MonitorConfig.defaults()), settings);
        return new TopologyTestDriver(MonitorTopology.build(topics, step, MonitorTopology.DEFAULT_LATENESS,
                ProcessingListener.NONE), p);
    }

    private static <V> TestInputTopic<String, V> in(TopologyTestDriver d, Topic<V> t) {
        return d.createInputTopic(t.name(), Serdes.String().serializer(), t.valueSerde().serializer());
    }

    private static List<String> keysOf(KeyValueStore<String, byte[]> store, String runId) {
        List<String> keys = new ArrayList<>();
        try (var it = store.prefixScan(StreamsRunStore.prefix(runId), Serdes.String().serializer())) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    @Test
    void aHugeValidFamilyNameIsDeadLetteredAndTheOtherRunOfTheTaskGetsItsHops() {
        try (TopologyTestDriver d = driver(StepSettings.defaults())) {
            var ready = in(d, topics.checkpointReady);
            var scores = in(d, topics.probeScored);
            String huge = "f".repeat(600 * 1024);
            ready.pipeInput("big", Events.ready("big", 50, T0), T0);
            scores.pipeInput("big", Events.score("big", 50, huge, 0.9, T0), T0);
            double[] acc = {0.95, 0.95, 0.05, 0.05};
            for (int i = 0; i < acc.length; i++) {
                ready.pipeInput("r", Events.ready("r", 50L * (i + 1), T0 + i), T0 + i);
                scores.pipeInput("r", Events.score("r", 50L * (i + 1), "flipped", acc[i], T0 + i), T0 + i);
            }
            var dlq = d.createOutputTopic(topics.probeScored.dlq(), Serdes.String().deserializer(),
                    Serdes.ByteArray().deserializer()).readRecordsToList();
            assertEquals(1, dlq.size());
            assertTrue(DeadLetters.reason(dlq.get(0).headers()).contains("family is 614400 characters"),
                    DeadLetters.reason(dlq.get(0).headers()));
            assertEquals(1, d.createOutputTopic(topics.hopDetected.name(), Serdes.String().deserializer(),
                    topics.hopDetected.valueSerde().deserializer()).readValuesToList().size(), "r's hop");
        }
    }

    @Test
    void idleRunsExpireWithTombstonesAndRejectedRunsStoreNothing() {
        long idle = Duration.ofMinutes(5).toMillis();
        try (TopologyTestDriver d = driver(StepSettings.builder().idleExpiryMs(idle).build())) {
            var ready = in(d, topics.checkpointReady);
            var scores = in(d, topics.probeScored);
            KeyValueStore<String, byte[]> store = d.getKeyValueStore(MonitorTopology.STATE_STORE);
            scores.pipeInput("ghost", Events.score("ghost", 50, "flipped", Double.NaN, T0), T0);
            assertEquals(List.of(), keysOf(store, "ghost"), "a rejected record of an unknown run stores nothing");
            ready.pipeInput("a", Events.ready("a", 50, T0), T0);
            scores.pipeInput("a", Events.score("a", 50, "flipped", 0.9, T0), T0);
            assertTrue(keysOf(store, "a").size() >= 3, "header, series, result: " + keysOf(store, "a"));
            long later = T0 + idle + MonitorTopology.DEFAULT_LATENESS.toMillis();
            ready.pipeInput("b", Events.ready("b", 50, later), later);
            assertEquals(List.of(), keysOf(store, "a"), "a expired once the task's clock passed its expiry");
            assertEquals(1, d.getKeyValueStore(MonitorTopology.DEADLINE_STORE).approximateNumEntries(),
                    "only b's deadline is left");
        }
    }

    @Test
    void whatTheProcessorHeldBackIsInTheStoreOnceTheTaskCommits() {
        try (TopologyTestDriver d = driver(StepSettings.defaults())) {
            var ready = in(d, topics.checkpointReady);
            var scores = in(d, topics.probeScored);
            KeyValueStore<String, byte[]> store = d.getKeyValueStore(MonitorTopology.STATE_STORE);
            for (int c = 1; c <= 5; c++) {
                long at = T0 + 1000L * c;
                ready.pipeInput("r", Events.ready("r", 50L * c, at), at);
                scores.pipeInput("r", Events.score("r", 50L * c, "flipped", c % 2 == 0 ? 0.9 : 0.1, at), at);
                // the driver commits after each record: the header written again and again is stored as it is now
                RunState header = PartCodec.decode(store.get(StreamsRunStore.prefix("r") + MonitorStep.HEADER_PART),
                        RunState.class);
                assertEquals(50L * c, header.lastProcessedStep, "checkpoint " + c);
                assertEquals(at, header.lastInputAt);
                SeriesEntry series = PartCodec.decode(store.get(StreamsRunStore.prefix("r") + "s/flipped"),
                        SeriesEntry.class);
                assertEquals(50L * c, series.latest.step(), "the series as of checkpoint " + c);
            }
        }
    }

    @SuppressWarnings({"unchecked", "deprecation"})
    @Test
    void aTaskRevivedOnTheSameInstanceStartsFromItsStoreNotFromWhatItSawBefore() {
        MonitorStep step = new MonitorStep(topics, new RunMonitor(MonitorConfig.defaults()), StepSettings.defaults());
        RunMonitorProcessor processor = new RunMonitorProcessor(step, 0, ProcessingListener.NONE);
        MockProcessorContext<String, byte[]> first = context();
        processor.init(first);
        process(processor, first, topics.checkpointReady, "r", Events.ready("r", 50, T0), 0);
        KeyValueStore<String, byte[]> committed = first.getStateStore(MonitorTopology.STATE_STORE);
        WriteBackStore.under(committed).flushCache(); // the ready's transaction commits
        List<KeyValue<String, byte[]>> snapshot = new ArrayList<>();
        try (var it = committed.all()) {
            it.forEachRemaining(snapshot::add);
        }
        process(processor, first, topics.probeScored, "r", Events.score("r", 50, "flipped", 0.9, T0), 1);
        assertEquals(1, first.forwarded().stream().filter(f -> f.childName().get()
                .equals(MonitorTopology.sinkName(topics.modeObserved.name()))).count());

        // The transaction with the score aborts: the store is back at the snapshot, init() runs again on this
        // instance and the score is replayed. It must be processed again, not taken for a duplicate.
        MockProcessorContext<String, byte[]> revived = context();
        KeyValueStore<String, byte[]> restored = revived.getStateStore(MonitorTopology.STATE_STORE);
        snapshot.forEach(kv -> restored.put(kv.key, kv.value));
        processor.init(revived);
        process(processor, revived, topics.probeScored, "r", Events.score("r", 50, "flipped", 0.9, T0), 1);
        assertEquals(1, revived.forwarded().stream().filter(f -> f.childName().get()
                .equals(MonitorTopology.sinkName(topics.modeObserved.name()))).count(), "observation emitted again");
    }

    private static MockProcessorContext<String, byte[]> context() {
        MockProcessorContext<String, byte[]> c = new MockProcessorContext<>();
        for (String name : List.of(MonitorTopology.STATE_STORE, MonitorTopology.DEADLINE_STORE)) {
            var builder = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(),
                    Serdes.ByteArray()).withLoggingDisabled();
            KeyValueStore<String, byte[]> s = name.equals(MonitorTopology.STATE_STORE)
                    ? WriteBackStore.builder(builder).build() : builder.build();
            s.init(c.getStateStoreContext(), s);
            c.addStateStore(s);
        }
        return c;
    }

    @SuppressWarnings("unchecked")
    private static void process(RunMonitorProcessor p, MockProcessorContext<String, byte[]> c, Topic<?> topic,
                                String key, Object value, long offset) {
        c.setRecordMetadata(topic.name(), 0, offset);
        byte[] bytes = ((Serializer<Object>) topic.valueSerde().serializer()).serialize(topic.name(), value);
        p.process(new Record<>(key, bytes, T0 + offset));
    }
}
