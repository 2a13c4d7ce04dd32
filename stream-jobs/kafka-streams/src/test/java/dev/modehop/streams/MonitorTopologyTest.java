package dev.modehop.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.core.AlertRules;
import dev.modehop.core.MonitorConfig;
import dev.modehop.core.RunMonitor;
import dev.modehop.core.RunState;
import dev.modehop.embedded.EmbeddedServers;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ControlCommand;
import dev.modehop.events.DataWindow;
import dev.modehop.events.HopStability;
import dev.modehop.events.ModeHop;
import dev.modehop.events.ModeObservation;
import dev.modehop.events.ProbeScore;
import dev.modehop.events.Verdict;
import dev.modehop.step.DeadLetters;
import dev.modehop.core.CheckpointRanker;
import dev.modehop.step.PartCodec;
import dev.modehop.schemas.Topics;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MonitorTopologyTest {
    @RegisterExtension
    static final EmbeddedServers SERVERS = EmbeddedServers.registry();
    Topics topics;
    TopologyTestDriver driver;
    TestInputTopic<String, CheckpointReady> ready;
    TestInputTopic<String, ProbeScore> scores;
    TestInputTopic<String, DataWindow> windows;
    TestInputTopic<String, byte[]> rawScores;

    @BeforeEach
    void setUp() {
        topics = Topics.create("", SERVERS.serdeConfig());
        AlertRules rules = AlertRules.parse(
                "steer: when flipped hops to PARROT and is STABLE then alert WARN, adjust-mixture icl=0.9 iwl=0.1");
        RunMonitor monitor = new RunMonitor(MonitorConfig.builder().rules(rules).build());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(MonitorTopology.build(topics, monitor), p);
        ready = driver.createInputTopic(topics.checkpointReady.name(), Serdes.String().serializer(),
                topics.checkpointReady.valueSerde().serializer());
        scores = driver.createInputTopic(topics.probeScored.name(), Serdes.String().serializer(),
                topics.probeScored.valueSerde().serializer());
        windows = driver.createInputTopic(topics.dataWindowClosed.name(), Serdes.String().serializer(),
                topics.dataWindowClosed.valueSerde().serializer());
        rawScores = driver.createInputTopic(topics.probeScored.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private <V> TestOutputTopic<String, V> out(dev.modehop.schemas.Topic<V> t) {
        return driver.createOutputTopic(t.name(), Serdes.String().deserializer(), t.valueSerde().deserializer());
    }

    private void checkpoint(String run, long step, double acc) {
        ready.pipeInput(run, Events.ready(run, step, step));
        scores.pipeInput(run, Events.score(run, step, "flipped", acc, step));
    }

    @Test
    void hopIsDetectedJudgedAndAnsweredWithAControlCommand() {
        windows.pipeInput("r", Events.window("r", "w0", 0, 100, 0.9));
        windows.pipeInput("r", Events.window("r", "w1", 100, 300, 0.1));
        checkpoint("r", 50, 0.97);
        checkpoint("r", 100, 0.98);
        checkpoint("r", 150, 0.03);
        checkpoint("r", 200, 0.02);
        checkpoint("r", 250, 0.04);
        List<ModeHop> hops = out(topics.hopDetected).readValuesToList();
        assertEquals(1, hops.size());
        assertEquals("r/flipped/150/hop", hops.get(0).getId());
        assertEquals(List.of("w1"), hops.get(0).getWindows().stream().map(w -> w.getWindowId()).toList());
        List<HopStability> verdicts = out(topics.hopStability).readValuesToList();
        assertEquals(Verdict.STABLE, verdicts.get(0).getVerdict());
        List<ControlCommand> controls = out(topics.runControl).readValuesToList();
        assertEquals(1, controls.size());
        assertEquals(0.9, controls.get(0).getMixture().get("icl"));
        assertEquals(5, out(topics.modeObserved).readValuesToList().size());
    }

    @Test
    void outOfOrderAndDuplicateScoresGiveTheSameOutputAsInOrder() {
        for (long s : new long[] {50, 100, 150}) {
            ready.pipeInput("r", Events.ready("r", s, s));
        }
        scores.pipeInput("r", Events.score("r", 150, "flipped", 0.05, 160));
        scores.pipeInput("r", Events.score("r", 100, "flipped", 0.04, 161));
        scores.pipeInput("r", Events.score("r", 100, "flipped", 0.04, 162));
        scores.pipeInput("r", Events.score("r", 50, "flipped", 0.95, 163));
        scores.pipeInput("r", Events.score("r", 50, "flipped", 0.95, 164));
        List<Long> steps = out(topics.modeObserved).readValuesToList().stream().map(ModeObservation::getStep).toList();
        assertEquals(List.of(50L, 100L, 150L), steps);
        assertEquals(1, out(topics.hopDetected).readValuesToList().size());
        assertTrue(driver.createOutputTopic(topics.probeScored.dlq(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer()).isEmpty(), "duplicates are dropped, not dead-lettered");
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicWithTheirReasonAndProcessingGoesOn() {
        TestOutputTopic<String, byte[]> dlq = driver.createOutputTopic(topics.probeScored.dlq(),
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        rawScores.pipeInput("r", new byte[] {1, 2, 3});
        scores.pipeInput("ghost", Events.score("ghost", 50, "flipped", 0.9, 1));
        scores.pipeInput("ghost", Events.score("ghost", 100, "flipped", 0.9, 700_000));
        ready.pipeInput("r", Events.ready("r", 50, 1));
        scores.pipeInput("r", Events.score("r", 50, "flipped", Double.NaN, 2));
        scores.pipeInput("r", Events.score("r", 50, "flipped", 0.9, 3));
        List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertEquals(4, dead.size(), reasons(dead));
        assertTrue(DeadLetters.reason(dead.get(0).headers()).startsWith("undecodable"), reasons(dead));
        assertEquals(3, dead.get(0).value().length, "original bytes kept");
        assertTrue(DeadLetters.reason(dead.get(1).headers()).contains("unknown run"), reasons(dead));
        assertEquals(50, topics.probeScored.valueSerde().deserializer().deserialize("t", dead.get(1).value()).getStep(),
                "the held-back record itself is dead-lettered, readable");
        assertTrue(DeadLetters.reason(dead.get(2).headers()).contains("unknown run"), reasons(dead));
        assertTrue(DeadLetters.reason(dead.get(3).headers()).contains("NaN"), reasons(dead));
        assertEquals(1, out(topics.modeObserved).readValuesToList().size(), "the good record is still processed");
    }

    private static String reasons(List<TestRecord<String, byte[]>> dead) {
        return dead.stream().map(r -> DeadLetters.reason(r.headers())).toList().toString();
    }

    @Test
    void stateStaysBoundedOverALongRun() {
        for (int i = 1; i <= 400; i++) {
            windows.pipeInput("r", Events.window("r", "w" + i, (i - 1) * 50L, i * 50L, i % 20 < 10 ? 0.9 : 0.1));
            checkpoint("r", i * 50L, (i / 10) % 2 == 0 ? 0.95 : 0.05);
        }
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(MonitorTopology.STATE_STORE);
        StreamsRunStore run = StreamsRunStore.of(store, "r", null);
        RunState state = PartCodec.decode(run.get("h"), RunState.class);
        List<?> windows = PartCodec.decode(run.get("x/windows"), List.class);
        List<?> hops = PartCodec.decode(run.get("k/flipped"), List.class);
        CheckpointRanker.State ranking = PartCodec.decode(run.get("x/ranking"), CheckpointRanker.State.class);
        assertEquals(0, state.waitingSteps.size(), "nothing left waiting");
        assertEquals(List.of(), run.names("p/"), "no part of a checkpoint in flight left behind");
        assertTrue(windows.size() <= 256, "windows bounded: " + windows.size());
        assertTrue(hops.size() <= 20 + MonitorConfig.defaults().stabilityCheckpoints(), "hops bounded: " + hops.size());
        assertTrue(ranking.entries.size() <= 18, "ranking bounded: " + ranking.entries.size());
        assertTrue(state.processed.size() <= 16);
        assertEquals(List.of(), run.names("r/"), "no result kept once its checkpoint is processed");
        assertEquals(16, run.names("d/").size(), "what stays of a processed checkpoint, for the remembered ones only");
        assertTrue(out(topics.hopDetected).readValuesToList().size() >= 39);
    }
}
