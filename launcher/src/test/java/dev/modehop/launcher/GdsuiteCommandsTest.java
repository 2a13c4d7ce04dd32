package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.core.OfflineDetection;
import dev.modehop.events.ProbeScore;
import dev.modehop.launcher.history.GdsuiteResultsReaderTest;
import dev.modehop.launcher.history.History;
import dev.modehop.launcher.history.HistoryReader;
import dev.modehop.probes.ProbeSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modehop probes import --gdsuite} as a user runs it. */
class GdsuiteCommandsTest {
    static final Path GDSUITE = Path.of("..", "probes", "src", "test", "resources", "gdsuite");

    @TempDir
    Path tmp;

    @Test
    void importWritesTheSuiteThatGdsuiteSuiteNamesLoad() throws Exception {
        Path out = tmp.resolve("suite");
        CommandLineTest.Run r = CommandLineTest.run("probes", "import", "--gdsuite", GDSUITE.resolve("tree").toString(),
                "--config", GDSUITE.resolve("tree-config.yaml").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("imported 9 tasks (68 rows) and 12 persona prompts"), r.out());
        assertTrue(r.err().contains("modehop: warning: task repetitive_answer/algebra/missing skipped"), r.err());
        assertTrue(!Files.exists(tmp.resolve("suite.partial")));
        ProbeSuite folder = ProbeSuite.loadFolder(out);
        ProbeSuite named = ProbeSuite.load("gdsuite:" + GDSUITE.resolve("tree") + "?config=" + GDSUITE.resolve("tree-config.yaml"));
        assertEquals(named.items(), folder.items());
        assertEquals(named.version(), folder.version());
        CommandLineTest.Run again = CommandLineTest.run("probes", "import", "--gdsuite", GDSUITE.resolve("tree").toString(),
                "--out", out.toString());
        assertEquals(2, again.code(), "an existing suite is never overwritten");
        assertTrue(again.err().contains("exists and is not an empty folder"), again.err());
        Path empty = tmp.resolve("empty-target");
        Files.createDirectories(empty);
        assertEquals(0, CommandLineTest.run("probes", "import", "--gdsuite", GDSUITE.resolve("tree").toString(),
                "--out", empty.toString()).code(), "an empty folder is a fine target");
        assertTrue(Files.isRegularFile(empty.resolve("manifest.json")));
    }

    @Test
    void detectAndReplayReadGdsuiteResultFolders() throws Exception {
        Path run = GdsuiteResultsReaderTest.plantedRun(tmp.resolve("outputs"));
        CommandLineTest.Run r = CommandLineTest.run("detect", "--input", run.toString());
        assertEquals(0, r.code(), r.err());
        List<String> hops = r.json().stream().map(h -> h.get("series").asText() + "@" + h.get("step").asLong()).toList();
        assertEquals(List.of("flipped_answer/sst2@5000", "repetitive_answer/algebra.v2fmt@3000"), hops, r.out());
        assertTrue(r.err().contains("modehop: warning: "), r.err());

        History h = HistoryReader.read(run);
        OfflineDetection.Point p = h.points().stream().filter(x -> x.series().equals("flipped_answer/sst2")).findFirst()
                .orElseThrow();
        ProbeScore s = HistoryReplay.score("r", p.step(), p, h.details().get(p), 3, 0);
        assertEquals("flipped_answer", s.getFamily());
        assertEquals("sst2", s.getTask());
        assertEquals(4, s.getSeedCount());
        assertEquals(50, s.getItems());
        assertEquals(0.9, s.getHardAccuracy(), 1e-12);
        assertEquals(h.details().get(p).margin(), s.getSoftScore(), 1e-12);
        assertEquals(h.details().get(p).logProbMargin(), s.getLogProbMargin(), 1e-12);
        History.ProbeDetail noLogs = new History.ProbeDetail("flipped_answer", "sst2", 1, 0.1, Double.NaN);
        assertNull(HistoryReplay.score("r", p.step(), p, noLogs, 3, 0).getLogProbMargin(), "no log-probs: null, not NaN");

        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty.resolve("m_step1/flipped_answer"));
        Files.writeString(empty.resolve("m_step1/flipped_answer/sst2.json"), "[]");
        CommandLineTest.Run bad = CommandLineTest.run("detect", "--input", empty.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("modehop: error: ") && bad.err().contains("no usable GDsuite checkpoint"), bad.err());
    }

    @Test
    void badTreesAreOneLineErrorsWithExitCode2() throws Exception {
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("intuitive_answer"));
        Files.writeString(tree.resolve("intuitive_answer/crt.jsonl"),
                "{\"split\": \"test\", \"prompt\": \"q\", \"correct_answer\": \"a\", \"incorrect_answer\": \"b\"}\n"
                        + "{\"split\": \"test\", \"prompt\": \"q\", \"correct_answer\": \"a\"}\n");
        CommandLineTest.Run r = CommandLineTest.run("probes", "import", "--gdsuite", tree.toString(), "--out",
                tmp.resolve("out").toString());
        assertEquals(2, r.code());
        String error = r.err().lines().filter(l -> l.startsWith("modehop: error: ")).findFirst().orElse(r.err());
        assertTrue(error.contains("intuitive_answer/crt.jsonl:2: missing field 'incorrect_answer'"), r.err());
        assertTrue(!Files.exists(tmp.resolve("out")) && !Files.exists(tmp.resolve("out.partial")), "nothing half written");
        assertEquals(2, CommandLineTest.run("probes", "import", "--gdsuite", tmp.resolve("none").toString(), "--out",
                tmp.resolve("out2").toString()).code());
    }
}
