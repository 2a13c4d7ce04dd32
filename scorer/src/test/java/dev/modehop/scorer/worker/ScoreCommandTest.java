package dev.modehop.scorer.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.scorer.predictors.PredictorSettings;
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
        int code = ScoreCommand.run(folder, "toy", Set.of(), ScorerSettings.builder().device("cpu").build(), out, out);
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(ScoreCommand.OK, code, text);
        assertTrue(text.contains("GPTNeoXForCausalLM"), text);
        assertTrue(text.matches("(?s)model   GPTNeoXForCausalLM \\(gpt_neox\\): 2 layers, d 32, .* parameters stored as "
                + "float32\\Rtokens  tokenizer.json: .*\\Rrun     on cpu\\(\\) in float32\\R.*"), text);
        assertTrue(text.matches("(?s).*flipped\\s+k8\\s+512\\s+1\\s+0\\.\\d{3}.*"), text);
        assertTrue(text.matches("(?s).*repetitive\\s+k8\\s+512.*"), text);
        assertTrue(text.contains("items/s"), text);
        assertTrue(text.matches("(?s).*predictors \\([0-9.]+ s\\):\\R  parameter L2 norm\\s+\\d+\\.\\d{4}\\R"
                + "  RankMe\\s+\\d+\\.\\d{3}  \\(block 1, 256 prompts\\)\\R  participation ratio\\s+\\d+\\.\\d{3}.*"), text);
    }

    @Test
    void predictorsFollowTheLayerSettingAndCanBeTurnedOff() throws IOException {
        Path folder = ToyCheckpoints.random(dir.resolve("ckpt"), 9);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        ScorerSettings settings = ScorerSettings.builder().device("cpu").build();
        assertEquals(ScoreCommand.OK, ScoreCommand.run(folder, "toy", Set.of("flipped"),
                settings.toBuilder().predictors(PredictorSettings.builder().layer(-1).maxPrompts(40).build()).build(),
                out, out));
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("(after the final norm, 40 prompts)"), text);
        buf.reset();
        assertEquals(ScoreCommand.OK, ScoreCommand.run(folder, "toy", Set.of("flipped"),
                settings.toBuilder().predictors(PredictorSettings.off()).build(), out, out));
        assertTrue(!buf.toString(StandardCharsets.UTF_8).contains("predictors"), buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBrokenFolderExitsWithTheFileNamed() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int code = ScoreCommand.run(dir, "toy", Set.of(), ScorerSettings.builder().device("cpu").build(), out, out);
        assertEquals(ScoreCommand.UNUSABLE, code);
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("config.json"), buf.toString(StandardCharsets.UTF_8));
        assertEquals(ScoreCommand.UNUSABLE, ScoreCommand.run(dir, "no-such-suite", Set.of(),
                ScorerSettings.builder().device("cpu").build(), out, out));
    }
}
