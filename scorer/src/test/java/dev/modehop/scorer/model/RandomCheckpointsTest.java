package dev.modehop.scorer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.scoring.HuggingFaceTextTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random checkpoint folders load like real ones; the word-level tokenizer keeps prompts a prefix of prompt + answer. */
class RandomCheckpointsTest {
    @TempDir
    Path tmp;

    @Test
    void aWrittenFolderLoadsWithItsShapeAndTokenizer() {
        String prompt = "Review: great, fun film!\nSentiment:";
        String tokenizer = RandomCheckpoints.wordLevelTokenizerJson(List.of(prompt, "positive", "negative"), 40);
        ModelConfig config = ModelConfig.gptNeoX(40, 16, 2, 2, 32, 64, 0.25);
        Path dir = RandomCheckpoints.write(tmp.resolve("m"), config, 7, 0.02, TensorDType.BF16, tokenizer);
        try (LoadedCheckpoint c = CheckpointLoader.load(dir, Device.cpu(), DataType.FLOAT32)) {
            assertEquals(config.vocabSize(), c.config().vocabSize());
            assertEquals(config.numLayers(), c.config().numLayers());
            HuggingFaceTextTokenizer t = new HuggingFaceTextTokenizer(c.tokenizer());
            long[] p = t.encode(prompt);
            long[] full = t.encode(prompt + " negative");
            // Review : great , fun film ! Sentiment :
            assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 2}, p);
            assertArrayEquals(p, Arrays.copyOf(full, p.length));
            assertEquals(p.length + 1, full.length);
            assertEquals(0, t.encode("unseen")[0], "unknown words map to <unk>");
        }
        assertThrows(IllegalArgumentException.class, () -> RandomCheckpoints.wordLevelTokenizerJson(List.of("a b c"), 3));
        assertEquals(RandomCheckpoints.pythia70m().hiddenSize(), RandomCheckpoints.shape("pythia-70m").hiddenSize());
        assertThrows(IllegalArgumentException.class, () -> RandomCheckpoints.shape("gpt-5"));
    }
}
