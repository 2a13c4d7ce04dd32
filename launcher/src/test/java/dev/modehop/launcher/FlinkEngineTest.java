package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.core.MonitorConfig;
import dev.modehop.events.HopStability;
import dev.modehop.events.ModeHop;
import dev.modehop.events.ModeObservation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code modehop up --engine flink} as a user gets it: the embedded broker and registry with the Flink job in
 * a local MiniCluster, the bundled history replayed through the command line, and the same hops and verdicts
 * on the output topics as the offline {@code detect} prints for that file.
 */
class FlinkEngineTest {
    @Test
    void theFlinkEngineFindsTheBundledHistorysHopsAndVerdicts() throws Exception {
        try (EmbeddedStack stack = EmbeddedStack.start(null, 0, 0, 2, MonitorConfig::defaults,
                EmbeddedStack.Engine.FLINK);
             TopicFollower out = new TopicFollower(stack.kafka.bootstrapServers(), stack.topics, null)) {
            CommandLineTest.Run replay = CommandLineTest.run("replay", "--bootstrap", stack.kafka.bootstrapServers(),
                    "--registry", stack.registry.url(), "--run", "example",
                    Path.of("..", "examples", "flipped-hops.csv").toString());
            assertEquals(0, replay.code(), replay.out() + replay.err());
            // every kind awaited: the sink's records of different topics become visible at different moments
            boolean done = out.await(() -> out.received(ModeObservation.class).size() >= 40
                    && out.received(ModeHop.class).size() >= 4
                    && out.received(HopStability.class).size() >= 4, Duration.ofSeconds(120));
            assertTrue(done, "observations " + out.received(ModeObservation.class).size() + ", hops "
                    + out.received(ModeHop.class).size() + ", verdicts " + out.received(HopStability.class).size());
            List<Long> hopSteps = out.received(ModeHop.class).stream().map(ModeHop::getStep).distinct().sorted().toList();
            assertEquals(List.of(650L, 1250L, 1700L, 1750L), hopSteps);
            List<String> verdicts = out.received(HopStability.class).stream()
                    .sorted(java.util.Comparator.comparingLong(HopStability::getHopStep))
                    .map(v -> v.getHopStep() + " " + v.getVerdict()).distinct().toList();
            assertEquals(List.of("650 STABLE", "1250 STABLE", "1700 TRANSIENT", "1750 STABLE"), verdicts);
        }
    }
}
