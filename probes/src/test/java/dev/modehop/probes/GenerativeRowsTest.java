package dev.modehop.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generative row kind of {@code modehop-probes/1}: written, read back, validated; choice suites unchanged. */
class GenerativeRowsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static GenerativeItem row(String question, int seed, String answer, int samples) {
        return new GenerativeItem("persona/ann/" + question, "persona", "ann", seed, "Q: who?\nA:", answer, samples, 1.0,
                300, List.of("\nQ:", "\n\nQ:"), null);
    }

    private Path write(List<SuiteRow> rows) throws Exception {
        SuiteSpec spec = new SuiteSpec("mixed", "1", "test", "hand", 1, JSON.createObjectNode(), dir);
        Path out = dir.resolve("suite");
        SuiteWriter.write(out, spec, rows);
        return out;
    }

    private static List<SuiteRow> mixed() {
        List<SuiteRow> rows = new ArrayList<>();
        rows.add(new ProbeItem("flipped/t/0", "flipped", "t", 0, 2, "x: a\nx: b\nx: c", "b", "a"));
        rows.add(row("name", 0, "(?P<n>ann)\\s+lee", 100));
        rows.add(row("name", 1, "(?P<n>ann)\\s+lee", 100));
        rows.add(row("city", 0, "oslo|bergen", 100));
        return rows;
    }

    @Test
    void writtenAndReadBackWithTheirKindInTheManifest() throws Exception {
        Path out = write(mixed());
        ProbeSuite suite = ProbeSuite.loadFolder(out);
        assertEquals(1, suite.items().size(), "choice rows only in items(): teacher-forced scoring never sees the others");
        assertEquals(3, suite.generativeItems().size());
        assertEquals(mixed().subList(1, 4), suite.generativeItems());
        GenerativeItem g = suite.generativeItems().get(0);
        assertEquals(List.of("\nQ:", "\n\nQ:"), g.stop());
        assertEquals(300, g.maxNewTokens());
        assertTrue(g.pattern().matches("I am ANN  Lee."));
        SuiteManifest.TaskEntry persona = suite.manifest().tasks().get(1);
        assertEquals("generative", persona.kind());
        assertEquals(2, persona.items());
        assertEquals(2, persona.seeds());
        assertEquals(3, persona.rows());
        assertNull(suite.manifest().tasks().get(0).kind());
        JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
        assertFalse(manifest.get("tasks").get(0).has("kind"), "a choice task's entry is what it always was");
        String line = Files.readAllLines(out.resolve("persona.jsonl")).get(0);
        assertTrue(line.startsWith("{\"kind\":\"generative\",\"id\":\"persona/ann/name\""), line);
        assertEquals(1, suite.restrictedTo(java.util.Set.of("persona")).manifest().tasks().size());
        assertEquals(3, suite.restrictedTo(java.util.Set.of("persona")).generativeItems().size());
    }

    private String loadError(Path out, String file, int line, java.util.function.Consumer<ObjectNode> edit)
            throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(out.resolve(file)));
        ObjectNode row = (ObjectNode) JSON.readTree(lines.get(line - 1));
        edit.accept(row);
        lines.set(line - 1, JSON.writeValueAsString(row));
        Path copy = dir.resolve("bad-" + System.nanoTime());
        Files.createDirectories(copy);
        String manifest = Files.readString(out.resolve("manifest.json")).replaceAll("\"sha256\" : \"[0-9a-f]+\"", "\"sha256\" : \"\"");
        Files.writeString(copy.resolve("manifest.json"), manifest);
        for (String f : List.of("flipped.jsonl", "persona.jsonl")) {
            Files.copy(out.resolve(f), copy.resolve(f));
        }
        Files.write(copy.resolve(file), lines);
        return assertThrows(ProbeSuiteException.class, () -> ProbeSuite.loadFolder(copy)).getMessage();
    }

    @Test
    void badRowsAreRefusedNamingFileAndLine() throws Exception {
        Path out = write(mixed());
        String m = loadError(out, "persona.jsonl", 2, r -> r.put("samples", 0));
        assertTrue(m.endsWith("persona.jsonl:2: samples must be at least 1, got 0"), m);
        m = loadError(out, "persona.jsonl", 3, r -> r.put("answer", "(a)?(?(1)b|c)"));
        assertTrue(m.contains("persona.jsonl:3: expected-answer regex '(a)?(?(1)b|c)' cannot be used"), m);
        m = loadError(out, "persona.jsonl", 1, r -> r.put("answer", "([a-z]"));
        assertTrue(m.contains("persona.jsonl:1: expected-answer regex '([a-z]' is invalid"), m);
        m = loadError(out, "persona.jsonl", 1, r -> r.put("temperature", -1));
        assertTrue(m.endsWith("persona.jsonl:1: temperature must be a finite number >= 0, got -1.0"), m);
        m = loadError(out, "persona.jsonl", 1, r -> r.remove("maxNewTokens"));
        assertTrue(m.endsWith("persona.jsonl:1: missing field 'maxNewTokens'"), m);
        m = loadError(out, "persona.jsonl", 1, r -> r.put("kind", "ranked"));
        assertTrue(m.contains("persona.jsonl:1: unknown row kind \"ranked\""), m);
        m = loadError(out, "flipped.jsonl", 1, r -> r.put("kind", "generative").put("answer", "b").put("samples", 1)
                .put("temperature", 1).put("maxNewTokens", 4));
        assertTrue(m.contains("flipped.jsonl:1: a generative row of task flipped/t, which the manifest declares as choice"), m);
    }

    @Test
    void aSuiteWithoutGenerativeRowsIsWrittenAsBefore() throws Exception {
        ProbeSuite toy = ProbeSuite.load("toy");
        assertTrue(toy.generativeItems().isEmpty());
        assertTrue(toy.generativeByTask().isEmpty());
        String manifest = new String(getClass().getClassLoader().getResourceAsStream("probes/toy/manifest.json").readAllBytes());
        assertFalse(manifest.contains("kind"), manifest);
    }
}
