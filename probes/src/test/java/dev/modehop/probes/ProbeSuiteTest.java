package dev.modehop.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeSuiteTest {
    @TempDir
    Path dir;

    private static final String GOOD_1 = "{\"id\":\"q1\",\"family\":\"flipped\",\"task\":\"t\",\"seed\":0,\"prompt\":\"a b\",\"generalizing\":\"x\",\"parrot\":\"y\"}";
    private static final String GOOD_2 = "{\"id\":\"q1\",\"family\":\"flipped\",\"task\":\"t\",\"seed\":1,\"prompt\":\"a c\",\"generalizing\":\"x\",\"parrot\":\"y\"}";

    private Path suite(String... lines) throws IOException {
        Path folder = dir.resolve("s");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("flipped.jsonl"), String.join("\n", lines) + "\n");
        Files.writeString(folder.resolve("manifest.json"), """
                {"format":"modehop-probes/1","name":"tiny","version":"0.1","description":"","generator":"hand","seed":0,
                 "tasks":[{"family":"flipped","task":"t","items":1,"seeds":2,"rows":2,"shots":0}],
                 "files":[{"path":"flipped.jsonl","rows":%d,"sha256":null}]}
                """.formatted(lines.length));
        return folder;
    }

    @Test
    void loadsAFolder() throws IOException {
        ProbeSuite s = ProbeSuite.load(suite(GOOD_1, GOOD_2).toString());
        assertEquals("tiny", s.name());
        assertEquals(2, s.items().size());
        assertEquals(List.of("flipped"), s.families());
        assertEquals(2, s.byTask().get(new ProbeSuite.TaskKey("flipped", "t")).size());
    }

    private String loadError(String... lines) throws IOException {
        Path folder = suite(lines);
        return assertThrows(ProbeSuiteException.class, () -> ProbeSuite.loadFolder(folder)).getMessage();
    }

    @Test
    void badLinesNameFileAndLine() throws IOException {
        String m = loadError(GOOD_1, "{not json");
        assertTrue(m.contains("flipped.jsonl:2:") && m.contains("not valid JSON"), m);
        m = loadError(GOOD_1, GOOD_2.replace(",\"parrot\":\"y\"", ""));
        assertTrue(m.contains("flipped.jsonl:2:") && m.contains("missing field 'parrot'"), m);
        m = loadError(GOOD_1.replace("\"seed\":0", "\"seed\":\"zero\""), GOOD_2);
        assertTrue(m.contains("flipped.jsonl:1:") && m.contains("'seed' must be an integer"), m);
        m = loadError(GOOD_1, GOOD_1);
        assertTrue(m.contains("flipped.jsonl:2:") && m.contains("duplicate id 'q1' with seed 0"), m);
        m = loadError(GOOD_1, GOOD_2.replace("\"parrot\":\"y\"", "\"parrot\":\"x\""));
        assertTrue(m.contains("flipped.jsonl:2:") && m.contains("both 'x'"), m);
        m = loadError(GOOD_1, GOOD_2.replace("\"task\":\"t\"", "\"task\":\"other\""));
        assertTrue(m.contains("flipped.jsonl:2:") && m.contains("not declared"), m);
        m = loadError(GOOD_1, GOOD_2.replace("a c", "a c "));
        assertTrue(m.contains("flipped.jsonl:2:") && m.contains("ends with whitespace"), m);
        m = loadError(GOOD_1, GOOD_2.replace("\"family\":\"flipped\"", "\"family\":\"Flip/ped\""));
        assertTrue(m.contains("flipped.jsonl:2:") && m.contains("family"), m);
    }

    @Test
    void countsMustMatchTheManifest() throws IOException {
        String m = loadError(GOOD_1);
        assertTrue(m.contains("manifest.json") && m.contains("1 rows, 1 items, 1 seeds"), m);
    }

    @Test
    void checksumIsVerified() throws IOException {
        Path folder = suite(GOOD_1, GOOD_2);
        Path manifest = folder.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"sha256\":null", "\"sha256\":\"00ff\""));
        String m = assertThrows(ProbeSuiteException.class, () -> ProbeSuite.loadFolder(folder)).getMessage();
        assertTrue(m.contains("flipped.jsonl") && m.contains("sha256"), m);
    }

    @Test
    void unknownSuiteNamesTheBuiltOnes() {
        String m = assertThrows(ProbeSuiteException.class, () -> ProbeSuite.load("no-such-suite")).getMessage();
        assertTrue(m.contains("no-such-suite") && m.contains("toy") && m.contains("starter-en"), m);
    }

    @Test
    void writerOutputRoundTrips() throws IOException {
        ProbeSuite toy = ProbeSuite.load("toy");
        SuiteSpec spec = new SuiteSpec("copy", "9", "", "toy", 1, null, dir);
        SuiteWriter.write(dir.resolve("copy"), spec, toy.items());
        ProbeSuite copy = ProbeSuite.loadFolder(dir.resolve("copy"));
        assertEquals(toy.items(), copy.items());
        assertEquals(1, copy.restrictedTo(Set.of("repetitive")).families().size());
    }
}
