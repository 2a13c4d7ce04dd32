package dev.modehop.scorer.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsATableForAFolder() throws IOException {
        Path folder = ToyCheckpoints.rigged(dir.resolve("ckpt"));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int code = ScoreCommand.run(folder, "toy", Set.of(), ScorerSettings.defaults().withDevice("cpu"), out, out);
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(ScoreCommand.OK, code, text);
        assertTrue(text.contains("GPTNeoXForCausalLM"), text);
        assertTrue(text.matches("(?s).*flipped\\s+k8\\s+512\\s+1\\s+0\\.\\d{3}.*"), text);
        assertTrue(text.matches("(?s).*repetitive\\s+k8\\s+512.*"), text);
        assertTrue(text.contains("items/s"), text);
    }

    @Test
    void aBrokenFolderExitsWithTheFileNamed() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int code = ScoreCommand.run(dir, "toy", Set.of(), ScorerSettings.defaults().withDevice("cpu"), out, out);
        assertEquals(ScoreCommand.UNUSABLE, code);
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("config.json"), buf.toString(StandardCharsets.UTF_8));
        assertEquals(ScoreCommand.UNUSABLE, ScoreCommand.run(dir, "no-such-suite", Set.of(),
                ScorerSettings.defaults().withDevice("cpu"), out, out));
    }
}
