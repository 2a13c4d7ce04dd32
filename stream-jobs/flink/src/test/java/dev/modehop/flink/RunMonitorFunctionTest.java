package dev.modehop.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.embedded.EmbeddedServers;
import dev.modehop.step.DeadLetters;
import dev.modehop.schemas.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The keyed function alone: its state, its one timer per run, and what happens when either runs out. */
class RunMonitorFunctionTest {
    static final long T0 = RecordedStream.T0;
    static final long TIMEOUT = RecordedStream.monitorConfig().missingScoreTimeoutMs();
    @RegisterExtension
    static final EmbeddedServers SERVERS = EmbeddedServers.registry();
    static JobSettings settings;

    @BeforeAll
    static void start() {
        settings = JobSettings.builder("", SERVERS.serdeConfig())
                .monitorConfig(RecordedStream::monitorConfig).build();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, InputRecord, OutgoingRecord> harness()
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new RunMonitorFunction(
                settings.decoder(), settings.monitorConfig(), Duration.ofHours(1))), InputRecord::routingKey,
                Types.STRING);
        h.open();
        return h;
    }

    @SuppressWarnings("unchecked")
    private static InputRecord input(Topic<?> topic, String key, Object value, long at) {
        byte[] bytes = ((Serializer<Object>) topic.valueSerde().serializer()).serialize(topic.name(), value);
        return settings.decoder().classify(InputRecord.raw(topic.name(), 0, 0, at,
                key.getBytes(StandardCharsets.UTF_8), bytes, new RecordHeaders()));
    }

    private static List<String> topicsOf(List<OutgoingRecord> out) {
        return out.stream().map(r -> r.topic).toList();
    }

    @Test
    void oneTimerPerRunAtTheMissingScoresDeadlineThenAtTheRunsExpiry() throws Exception {
        var topics = settings.decoder().topics();
        try (var h = harness()) {
            h.processElement(input(topics.checkpointReady, "r", RecordedStream.ready("r", 100, T0), T0), T0);
            assertEquals(1, h.numEventTimeTimers());
            assertEquals(2, h.numKeyedStateEntries(), "run parts and its timer");
            h.processElement(input(topics.probeScored, "r",
                    RecordedStream.scoreValue("r", 100, "flipped", "main", 0.9, 1, T0 + 1), T0 + 1), T0 + 1);
            assertEquals(1, h.numEventTimeTimers(), "the run's expiry, nothing waits");
            assertTrue(topicsOf(h.extractOutputValues()).contains(topics.modeObserved.name()));
            h.processWatermark(T0 + 1 + Duration.ofHours(1).toMillis());
            assertEquals(0, h.numEventTimeTimers(), "expired: timer gone");
            assertEquals(0, h.numKeyedStateEntries(), "expired: state gone");
        }
    }

    @Test
    void theTimerGivesUpAMissingCheckpointWithoutAnyFurtherRecord() throws Exception {
        var topics = settings.decoder().topics();
        try (var h = harness()) {
            h.processElement(input(topics.checkpointReady, "r", RecordedStream.ready("r", 100, T0), T0), T0);
            h.processWatermark(T0 + TIMEOUT - 1);
            assertTrue(h.extractOutputValues().isEmpty());
            h.processWatermark(T0 + TIMEOUT);
            List<OutgoingRecord> out = h.extractOutputValues();
            assertEquals(List.of(topics.alertRaised.name()), topicsOf(out));
            assertEquals(1, h.numEventTimeTimers(), "only the run's expiry is left");
        }
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicAndLeaveNoState() throws Exception {
        var topics = settings.decoder().topics();
        try (var h = harness()) {
            InputRecord garbage = settings.decoder().classify(InputRecord.raw(topics.probeScored.name(), 3, 7, T0,
                    "r".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}, new RecordHeaders()));
            h.processElement(garbage, T0);
            h.processElement(input(topics.probeScored, "r",
                    RecordedStream.scoreValue("r", 100, "flipped", "main", Double.NaN, 1, T0), T0), T0);
            List<OutgoingRecord> out = h.extractOutputValues();
            assertEquals(List.of(topics.probeScored.dlq(), topics.probeScored.dlq()), topicsOf(out));
            assertEquals(3, out.get(0).value.length, "original bytes kept");
            assertEquals("7", new String(out.get(0).headers().lastHeader(DeadLetters.SOURCE_OFFSET).value(),
                    StandardCharsets.UTF_8));
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    @Test
    void stateSurvivesASnapshotAndExpiresInEventTime() throws Exception {
        var topics = settings.decoder().topics();
        var snapshot = (org.apache.flink.runtime.checkpoint.OperatorSubtaskState) null;
        try (var h = harness()) {
            h.processElement(input(topics.checkpointReady, "r", RecordedStream.ready("r", 100, T0), T0), T0);
            snapshot = h.snapshot(1, T0);
        }
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new RunMonitorFunction(
                settings.decoder(), settings.monitorConfig(), Duration.ofHours(1))), InputRecord::routingKey,
                Types.STRING)) {
            h.initializeState(snapshot);
            h.open();
            assertEquals(1, h.numEventTimeTimers(), "the timer is restored with the state");
            h.processWatermark(T0 + Duration.ofHours(2).toMillis());
            assertEquals(0, h.numKeyedStateEntries(), "announced, never scored: the alert, then expiry");
            h.getOutput().clear();
            h.processElement(input(topics.probeScored, "r",
                    RecordedStream.scoreValue("r", 100, "flipped", "main", 0.9, 1, T0 + 1), T0 + 1), T0 + 1);
            assertTrue(h.extractOutputValues().isEmpty(), "expired run: the score is held back, nothing emitted");
        }
    }
}
