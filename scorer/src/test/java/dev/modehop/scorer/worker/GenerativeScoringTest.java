package dev.modehop.scorer.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.events.CheckpointPredictors;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.Topic;
import dev.modehop.scorer.generation.SuccessorModel;
import dev.modehop.scorer.predictors.PredictorSettings;
import dev.modehop.probes.GenerativeItem;
import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.SuiteRow;
import dev.modehop.probes.SuiteSpec;
import dev.modehop.probes.SuiteWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the worker: a real checkpoint folder (a hand-weighted LLaMA that continues every sequence with
 * the next token, {@link SuccessorModel}) scored on a suite with a choice family and three generative tasks: one
 * whose answer the model produces (counting on), one it cannot (counting back), one whose prompt does not fit its
 * context. The first two publish match rates near 1 and near 0 on probe.scored; the third fails alone.
 */
class GenerativeScoringTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final Topic<CheckpointReady> ready = PlainTopics.READY;
    private final Topic<ProbeScore> scored = PlainTopics.SCORED;
    private final Topic<CheckpointPredictors> predictorTopic = PlainTopics.PREDICTORS;

    private static String counting(int from, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append("t").append((from + i) % SuccessorModel.VOCAB);
        }
        return sb.toString();
    }

    private static GenerativeItem row(String task, int q, int seed, String prompt, String answer) {
        return new GenerativeItem("persona/" + task + "/" + q, "persona", task, seed, prompt, answer, 40, 1.0, 3,
                List.of(), null);
    }

    private Path suite() throws Exception {
        List<SuiteRow> rows = new ArrayList<>();
        for (int q = 0; q < 4; q++) {
            int a = 1 + 3 * q;
            rows.add(new ProbeItem("count/next/" + q, "count", "next", 0, 0, counting(a, 2), "t" + (a + 2), "t" + (a + 5)));
        }
        for (int q = 0; q < 3; q++) {
            int a = 1 + 4 * q;
            for (int seed = 0; seed < 2; seed++) {
                rows.add(row("can", q, seed, counting(a, 2), counting(a + 2, 2)));
                rows.add(row("cannot", q, seed, counting(a, 2), "t" + (a + 1) + " t" + a));
                rows.add(row("toolong", q, seed, counting(a, 70), "t0"));
            }
        }
        Path out = dir.resolve("suite");
        SuiteWriter.write(out, new SuiteSpec("gen", "1", "test", "hand", 1, JSON.createObjectNode(), dir), rows);
        return out;
    }

    private static ScorerSettings settings(Path suite) {
        return ScorerSettings.builder().device("cpu").defaultSuite(suite.toString())
                .predictors(PredictorSettings.off()).build();
    }

    @Test
    void theWorkerPublishesMatchRatesNearOneAndNearZeroAndTheChoiceFamilyDespiteATaskThatCannotRun() throws Exception {
        Path checkpoint = SuccessorModel.write(dir.resolve("step-10"), 2);
        Path suite = suite();
        MockProducer<String, byte[]> dlq = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        MockProducer<String, ProbeScore> scores = new MockProducer<>(true, null, new StringSerializer(),
                scored.valueSerde().serializer());
        MockProducer<String, CheckpointPredictors> predictors = new MockProducer<>(true, null, new StringSerializer(),
                predictorTopic.valueSerde().serializer());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ScorerWorker worker = new ScorerWorker(new MockConsumer<>("earliest"), dlq, scores, predictors, ready, scored,
                predictorTopic, new CheckpointScoring(settings(suite)), "scorer-test",
                new PrintStream(log, true, StandardCharsets.UTF_8));
        CheckpointReady event = CheckpointReady.newBuilder().setRunId("run-g").setStep(10).setUri(checkpoint.toString())
                .setProducedAt(1L).build();
        var record = new ConsumerRecord<>(ready.name(), 0, 0L, "run-g",
                ready.valueSerde().serializer().serialize(ready.name(), event));

        assertEquals(ScorerWorker.Outcome.SCORED, worker.handle(record), () -> log.toString(StandardCharsets.UTF_8));
        assertTrue(dlq.history().isEmpty(), "nothing dead-lettered: one task failing is not the checkpoint failing");
        Map<String, ProbeScore> byTask = new TreeMap<>();
        // the records go through the topic's serde, as a consumer reads them
        scores.history().forEach(r -> byTask.put(r.value().getFamily() + "/" + r.value().getTask(),
                scored.valueSerde().deserializer().deserialize(scored.name(),
                        scored.valueSerde().serializer().serialize(scored.name(), r.value()))));
        assertEquals(Set.of("count/next", "persona/can", "persona/cannot"), byTask.keySet());

        ProbeScore can = byTask.get("persona/can");
        ProbeScore cannot = byTask.get("persona/cannot");
        assertTrue(can.getHardAccuracy() > 0.9, "match rate of an answer it produces: " + can.getHardAccuracy());
        assertTrue(cannot.getHardAccuracy() < 0.05, "match rate of an answer it cannot produce: " + cannot.getHardAccuracy());
        for (ProbeScore g : List.of(can, cannot)) {
            assertEquals("match_rate", g.getMetric());
            assertEquals(40, g.getSamples());
            assertEquals(3, g.getQuestions());
            assertEquals(3, g.getItems());
            assertEquals(2, g.getSeedCount());
            assertEquals(g.getHardAccuracy(), g.getSoftScore(), 0.0);
            assertEquals(3, g.getTaskCount(), "the failed task is not counted, so the checkpoint completes");
            assertEquals("run-g/10/persona/" + g.getTask(), g.getId());
        }
        ProbeScore choice = byTask.get("count/next");
        assertEquals("hard_accuracy", choice.getMetric());
        assertNull(choice.getSamples());
        assertNull(choice.getQuestions());
        assertEquals(1.0, choice.getHardAccuracy(), 0.0, "the successor wins every choice row");
        assertEquals(3, choice.getTaskCount());
        String lines = log.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("generative task persona/toolong not scored: question persona/toolong/0: a prompt of 70"
                + " tokens does not fit the model's context of 64 positions"), lines);
        assertTrue(lines.contains("persona/can match rate"), lines);
    }

    @Test
    void scoreCommandWritesTheCompletionsAndExitsTwoForTheTaskThatCouldNotRun() throws Exception {
        Path checkpoint = SuccessorModel.write(dir.resolve("step-10"), 2);
        Path suite = suite();
        Path samplesOut = dir.resolve("samples.jsonl");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = ScoreCommand.run(checkpoint, suite.toString(), Set.of(), settings(suite).toBuilder().generation(
                settings(suite).generation().toBuilder().samples(10).build()).build(), samplesOut,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        assertEquals(ScoreCommand.UNUSABLE, rc, table + err);
        assertTrue(table.contains("match rate") && table.contains("toolong") && table.contains("not scored"), table);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("modehop: error: generative task persona/toolong not"
                + " scored: question persona/toolong/0: a prompt of 70 tokens"), err.toString(StandardCharsets.UTF_8));
        List<String> lines = Files.readAllLines(samplesOut);
        assertEquals(2 * 3 * 2 * 10, lines.size(), "(can + cannot) x 3 questions x 2 seeds x --samples 10");
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals("persona", first.get("family").asText());
        assertEquals("can", first.get("task").asText());
        assertEquals("persona/can/0", first.get("questionId").asText());
        assertEquals(0, first.get("seed").asInt());
        assertEquals(0, first.get("sample").asInt());
        assertNotNull(first.get("completion").asText());
        assertEquals(first.get("completion").asText().contains("t3 t4"), first.get("matched").asBoolean());
        long matchedCannot = lines.stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(n -> n.get("task").asText().equals("cannot") && n.get("matched").asBoolean()).count();
        assertTrue(matchedCannot <= 2, "completions of the answer it cannot give that matched: " + matchedCannot);
    }
}
