package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.scorer.probe.ProbeSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modehop probes import --gdsuite} as a user runs it. */
class GdsuiteCommandsTest {
    static final Path GDSUITE = Path.of("..", "scorer", "src", "test", "resources", "gdsuite");

    @TempDir
    Path tmp;

    @Test
    void importWritesTheSuiteThatGdsuiteSuiteNamesLoad() {
        Path out = tmp.resolve("suite");
        CommandLineTest.Run r = CommandLineTest.run("probes", "import", "--gdsuite", GDSUITE.resolve("tree").toString(),
                "--config", GDSUITE.resolve("tree-config.yaml").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("imported 9 tasks (68 rows) and 12 persona prompts"), r.out());
        assertTrue(r.err().contains("modehop: warning: task repetitive_answer/algebra/missing skipped"), r.err());
        ProbeSuite folder = ProbeSuite.loadFolder(out);
        ProbeSuite named = ProbeSuite.load("gdsuite:" + GDSUITE.resolve("tree") + "?config=" + GDSUITE.resolve("tree-config.yaml"));
        assertEquals(named.items(), folder.items());
        assertEquals(named.version(), folder.version());
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
        assertTrue(error.endsWith("intuitive_answer/crt.jsonl:2: missing field 'incorrect_answer'"), r.err());
        assertTrue(!Files.exists(tmp.resolve("out").resolve("manifest.json")));
        assertEquals(2, CommandLineTest.run("probes", "import", "--gdsuite", tmp.resolve("none").toString(), "--out",
                tmp.resolve("out2").toString()).code());
    }
}
