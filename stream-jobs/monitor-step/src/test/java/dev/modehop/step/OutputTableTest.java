package dev.modehop.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.core.ControlAction;
import dev.modehop.core.Direction;
import dev.modehop.core.Ids;
import dev.modehop.core.Mode;
import dev.modehop.core.Output;
import dev.modehop.core.Severity;
import dev.modehop.core.SourceStatistics;
import dev.modehop.core.DataWindow;
import dev.modehop.core.Verdict;
import dev.modehop.embedded.EmbeddedServers;
import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.ProbeScores;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The wire side of the monitor's outputs: nothing the monitor says is left at a schema default on the way out. */
class OutputTableTest {
    /** Wire fields no monitor output carries on purpose: a plain observation is never late; rules ask for the default rate. */
    private static final Set<String> NOT_CARRIED = Set.of("ModeObservation.late", "AveragingRequest.learningRate");

    @RegisterExtension
    static final EmbeddedServers SERVERS = EmbeddedServers.registry();

    /** One of each output, every field set to something other than its wire default. */
    private static List<Output> everyOutput() {
        List<DataWindow> windows = List.of(new DataWindow("r", "w1", 40, 50, 4096, Map.of("icl", 0.7)));
        return List.of(
                new Output.ModeObservation("r/f/50", "r", "f", 50, Mode.GENERALIZING, Mode.PARROT, 0.9, 0.8, 512, true),
                new Output.LateObservation("r/f/60", "r", "f", 60, Mode.PARROT, Mode.PARROT, 0.1, -0.8, 512),
                new Output.ModeHop("r/f/50", "r", "f", 50, 40, 30, Direction.UP, Mode.PARROT, Mode.GENERALIZING,
                        0.1, 0.9, 7.5, windows),
                new Output.HopStability("r/f/50/stability", "r/f/50", "r", "f", 50, 90, Verdict.STABLE, 4,
                        Mode.GENERALIZING),
                new Output.Alert("r/f/50/rule", "r", "rule", Severity.WARN, "hop", "r/f/50", 50),
                new Output.ControlCommand("r/50/pause", "r", ControlAction.ADJUST_MIXTURE, Map.of("icl", 0.5),
                        "hop", "rule pause", 50),
                new Output.CheckpointRanking("r/ranking/50", "r", 50, 0.8, 60, List.of(new Output.RankedCheckpoint(
                        50, 0.8, List.of(new Output.FamilyContribution("f", 0.8, 1.0, 0.8))))),
                new Output.AveragingRequest("r/f/50/rule/averaging", "r", "f", 50, 7, Verdict.TRANSIENT, "rule avg"),
                new Output.SourceStatisticsUpdate("r/sources/60", "r", 60, 2, List.of(
                        new SourceStatistics.Move("icl", Mode.GENERALIZING, 2, 3, 0.7, 0.5, 2.5))));
    }

    @Test
    void everyOutputFieldReachesItsWireRecord() {
        Topics topics = SERVERS.topics("");
        for (Output o : everyOutput()) {
            SpecificRecord wire = OutputTable.wire(o, 1_767_225_600_000L);
            assertNotNull(wire, o.getClass().getSimpleName());
            List<String> atDefault = new ArrayList<>();
            collectDefaults(wire, wire.getSchema().getName(), atDefault);
            if (o instanceof Output.LateObservation) {
                atDefault.remove("ModeObservation.gapBefore");
            }
            atDefault.removeAll(NOT_CARRIED);
            assertEquals(List.of(), atDefault, o.getClass().getSimpleName() + ": fields left at their default");
            OutputTable table = new OutputTable(topics);
            Topic<?> topic = table.topicOf(o);
            assertEquals(wire, topic.valueSerde().deserializer().deserialize(topic.name(),
                    table.encode(o, 1_767_225_600_000L)), "decodes to the same record");
        }
    }

    /** Names (Record.field) of the fields with a default that hold it, in nested records too. */
    private static void collectDefaults(SpecificRecord r, String path, List<String> into) {
        for (Schema.Field f : r.getSchema().getFields()) {
            Object value = r.get(f.pos());
            if (f.hasDefaultValue() && Objects.equals(SpecificData.get().getDefaultValue(f), value)) {
                into.add(path + "." + f.name());
            }
            if (value instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof SpecificRecord nested) {
                        collectDefaults(nested, nested.getSchema().getName(), into);
                    }
                }
            }
        }
    }

    @Test
    void aHeldBackResultFromOlderStateIsRebuiltFromWhatTheMonitorKept() {
        Topics topics = SERVERS.topics("");
        dev.modehop.core.ProbeScore kept = new dev.modehop.core.ProbeScore("r", 50, "toy", "f", "main", 4, 512, 0.9, 0.8, 0.02, 2, 1234);
        ProbeScore back = topics.probeScored.valueSerde().deserializer().deserialize(topics.probeScored.name(),
                new OutputTable(topics).heldBack(kept).value());
        assertEquals(ProbeScores.counted("r", 50, "toy", "f", "main", 512, 0.9, 0.8).setSeedCount(4)
                .setStderr(0.02).setTaskCount(2).setProducedAt(1234).build(), back);
    }

    @Test
    void theWireIdIsTheMonitorsId() {
        ProbeScore s = ProbeScores.of("r", 50, "toy", "f", "t", 1.0).build();
        assertEquals(Ids.probeScore("r", 50, "f", "t"), s.getId());
        assertTrue(s.getItems() == null && s.getTaskCount() == 1 && s.getSeedCount() == 1, "schema defaults");
    }
}
