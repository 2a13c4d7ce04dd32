package dev.modehop.launcher.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.core.MonitorConfig;
import dev.modehop.core.OfflineDetection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Self-made GDsuite result folders with planted hops read back as a history that shows them. */
public class GdsuiteResultsReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A task file of {@code items} rows per seed, the first {@code wins} of each seed scored correct > incorrect. */
    static void writeTask(Path file, int items, int seeds, int wins) throws Exception {
        ArrayNode rows = JSON.createArrayNode();
        for (int s = 0; s < seeds; s++) {
            for (int i = 0; i < items; i++) {
                boolean win = i < wins;
                ObjectNode r = rows.addObject();
                r.put("correct_answer", "c").put("incorrect_answer", "w").put("topic", "t" + (i % 3)).put("seed", s);
                r.put("correct_avg_prob", win ? 0.6 : 0.3).put("correct_log_prob", win ? -0.5 : -1.2);
                r.put("incorrect_avg_prob", win ? 0.2 : 0.3 + (i % 2 == 0 ? 0.1 : 0.0))
                        .put("incorrect_log_prob", win ? -1.6 : -1.0);
            }
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, JSON.writeValueAsString(rows));
    }

    /** Ten checkpoints, 1000 steps apart: sst2 falls 0.9 -> 0.1 at step 5000; algebra/v2fmt rises 0.2 -> 0.85 at 3000. */
    public static Path plantedRun(Path dir) throws Exception {
        for (int c = 0; c < 10; c++) {
            long step = c * 1000L;
            Path ck = dir.resolve("OLMo-2-1B_stage1-step" + step + "-tokens" + (c * 4) + "B");
            writeTask(ck.resolve("flipped_answer/sst2.json"), 50, 4, step < 5000 ? 45 : 5);
            if (step != 8000) {
                writeTask(ck.resolve("repetitive_answer/algebra/v2fmt.json"), 40, 1, step < 3000 ? 8 : 34);
            }
            ObjectNode summary = JSON.createObjectNode();
            for (int s = 0; s < 4; s++) {
                summary.putObject(String.valueOf(s)).put("q1", 0.3).put("q2", 0.5).put("q3", 0.1 + 0.01 * s);
            }
            Files.createDirectories(ck.resolve("multihop_persona_qa"));
            Files.writeString(ck.resolve("multihop_persona_qa/wolf_summary.json"), JSON.writeValueAsString(summary));
            Files.writeString(ck.resolve("multihop_persona_qa/wolf_full.json"), "[]");
        }
        Files.writeString(dir.resolve("OLMo-2-1B_stage1-step7000-tokens28B/flipped_answer/sst2.json"), "[{\"seed\": 0,");
        Files.createDirectories(dir.resolve("notes/flipped_answer"));
        Files.writeString(dir.resolve("notes/flipped_answer/x.json"), "[]");
        return dir;
    }

    @Test
    void perTaskAccountingStepsTokensAndPersona() throws Exception {
        plantedRun(dir);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        History h = GdsuiteResultsReader.read(dir, new PrintStream(err, true, StandardCharsets.UTF_8));
        String warnings = err.toString(StandardCharsets.UTF_8);
        assertTrue(warnings.contains("step7000-tokens28B/flipped_answer/sst2.json:1: not valid JSON"), warnings);
        assertTrue(warnings.contains("step8000-tokens32B: no result file for repetitive_answer/algebra.v2fmt"), warnings);
        assertTrue(warnings.contains("notes: no 'step<N>'"), warnings);

        Map<String, List<OfflineDetection.Point>> bySeries = h.points().stream()
                .collect(Collectors.groupingBy(OfflineDetection.Point::series));
        assertEquals(9, bySeries.get("flipped_answer/sst2").size(), "the corrupt checkpoint's task is skipped");
        assertEquals(9, bySeries.get("repetitive_answer/algebra.v2fmt").size());
        assertEquals(10, bySeries.get("multihop_persona_qa/wolf").size());

        OfflineDetection.Point sst2 = bySeries.get("flipped_answer/sst2").get(0);
        assertEquals(0, sst2.step());
        assertEquals(0.9, sst2.value(), 1e-12);
        assertEquals(50, sst2.items(), "items = test rows, not rows x seeds");
        History.ProbeDetail d = h.details().get(sst2);
        assertEquals("flipped_answer", d.family());
        assertEquals("sst2", d.task());
        assertEquals(4, d.seeds());
        // 45 wins of margin 0.4; losses 45..49: odd rows tie (margin 0, a loss under strict >), even rows -0.1
        assertEquals((45 * 0.4 + 2 * -0.1 + 3 * 0.0) / 50, d.margin(), 1e-9);
        assertEquals((45 * 1.1 + 5 * -0.2) / 50, d.logProbMargin(), 1e-9);
        assertEquals(12_000_000_000L, h.tokensSeen().get(3000L));

        OfflineDetection.Point wolf = bySeries.get("multihop_persona_qa/wolf").get(0);
        assertNull(wolf.items(), "a match rate is a level, not a binary choice");
        assertEquals((0.3 + 0.5 + 0.115) / 3, wolf.value(), 1e-9);
    }

    @Test
    void detectionFindsThePlantedHopsAtTheirSteps() throws Exception {
        History h = HistoryReader.read(plantedRun(dir));
        List<OfflineDetection.DetectedHop> hops = new OfflineDetection(MonitorConfig.defaults()).detect(h.points());
        Map<String, List<Long>> steps = hops.stream().collect(Collectors.groupingBy(OfflineDetection.DetectedHop::series,
                Collectors.mapping(OfflineDetection.DetectedHop::step, Collectors.toList())));
        assertEquals(List.of(5000L), steps.get("flipped_answer/sst2"), hops.toString());
        assertEquals(List.of(3000L), steps.get("repetitive_answer/algebra.v2fmt"), hops.toString());
        assertNull(steps.get("multihop_persona_qa/wolf"), hops.toString());
        OfflineDetection.DetectedHop down = hops.stream().filter(x -> x.series().equals("flipped_answer/sst2")).findFirst()
                .orElseThrow();
        assertEquals("PARROT", down.to().name());
        assertEquals("STABLE", down.stability().name());
    }

    @Test
    void rowsWithoutLogProbabilitiesKeepTheTaskWithoutALogProbMargin() throws Exception {
        Path file = dir.resolve("m_step100/flipped_answer/sst2.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "[{\"seed\": 0, \"correct_avg_prob\": 0.6, \"incorrect_avg_prob\": 0.2},"
                + " {\"seed\": 0, \"correct_avg_prob\": 0.1, \"incorrect_avg_prob\": 0.3}]");
        History h = GdsuiteResultsReader.read(dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        OfflineDetection.Point p = h.points().get(0);
        assertEquals(0.5, p.value(), 1e-12);
        assertEquals((0.4 - 0.2) / 2, h.details().get(p).margin(), 1e-12);
        assertTrue(Double.isNaN(h.details().get(p).logProbMargin()));
    }

    @Test
    void aFolderWithoutUsableCheckpointsIsAnError() throws Exception {
        Path ck = dir.resolve("m_step100");
        Files.createDirectories(ck.resolve("flipped_answer"));
        Files.writeString(ck.resolve("flipped_answer/sst2.json"), "{\"not\": \"a list\"}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        HistoryException e = assertThrows(HistoryException.class,
                () -> GdsuiteResultsReader.read(dir, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("no usable GDsuite checkpoint folder"), e.getMessage());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("sst2.json: expected a non-empty JSON list"));
    }
}
