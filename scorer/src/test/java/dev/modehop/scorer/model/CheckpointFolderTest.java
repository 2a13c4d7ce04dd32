package dev.modehop.scorer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.scorer.checkpoint.CheckpointException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real checkpoint folder as a user hands it over: other weight formats, tokenizer_config.json, generation_config.json. */
class CheckpointFolderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path copyOf(String fixture, String... files) throws Exception {
        Path from = ReferenceFixturesTest.root().resolve(fixture);
        Path to = Files.createDirectories(dir.resolve(fixture));
        for (String f : files) {
            Files.copy(from.resolve(f), to.resolve(f));
        }
        return to;
    }

    @Test
    void pytorchBinWeightsAreRefusedWithHowToConvert() throws Exception {
        Path folder = copyOf("qwen3", "config.json", "tokenizer.json");
        Files.write(folder.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> CheckpointLoader.load(folder, Device.cpu(), DataType.FLOAT32));
        assertTrue(e.getMessage().contains("PyTorch .bin") && e.getMessage().contains("safe_serialization=True"),
                e.getMessage());
        assertThrows(CheckpointException.class, () -> CheckpointLoader.describe(folder));
    }

    @Test
    void distributedCheckpointShardsAreRefusedWithHowToExport() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("step1000"));
        Files.write(folder.resolve(".metadata"), new byte[] {0});
        Files.write(folder.resolve("__0_0.distcp"), new byte[] {0});
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> CheckpointLoader.load(folder, Device.cpu(), DataType.FLOAT32));
        assertTrue(e.getMessage().contains("(DCP)") && e.getMessage().contains("save_pretrained"), e.getMessage());
    }

    @Test
    void aLlamaTokenizerConfigRebuildsTheBosRuleAsHfDoes() throws Exception {
        Path folder = copyOf("llama-mha-untied", "config.json", "model.safetensors", "tokenizer.json");
        String text = "The capital of France is";
        long[] withBos;
        try (HuggingFaceTokenizer t = CheckpointLoader.loadTokenizer(folder)) {
            withBos = t.encode(text).getIds();
        }
        assertEquals(1, withBos[0], "this fixture's tokenizer.json adds <s> = 1");
        // a tokenizer.json without the rule, as older LLaMA exports ship it: HF's LlamaTokenizerFast adds BOS anyway
        ObjectNode tok = (ObjectNode) JSON.readTree(folder.resolve("tokenizer.json").toFile());
        tok.putNull("post_processor");
        JSON.writeValue(folder.resolve("tokenizer.json").toFile(), tok);
        try (HuggingFaceTokenizer t = CheckpointLoader.loadTokenizer(folder)) {
            assertEquals(withBos.length - 1, t.encode(text).getIds().length, "no rule: no BOS");
        }
        Files.writeString(folder.resolve(SpecialTokens.TOKENIZER_CONFIG),
                "{\"tokenizer_class\": \"LlamaTokenizerFast\", \"bos_token\": \"<s>\", \"eos_token\": \"</s>\"}");
        try (HuggingFaceTokenizer t = CheckpointLoader.loadTokenizer(folder)) {
            assertArrayEquals(withBos, t.encode(text).getIds());
        }
        Files.writeString(folder.resolve(SpecialTokens.TOKENIZER_CONFIG), "{\"tokenizer_class\": "
                + "\"LlamaTokenizerFast\", \"add_bos_token\": false, \"add_eos_token\": true, \"bos_token\": \"<s>\", "
                + "\"eos_token\": {\"content\": \"</s>\", \"special\": true}}");
        Files.writeString(folder.resolve(SpecialTokens.GENERATION_CONFIG), "{\"bos_token_id\": 1, \"eos_token_id\": [2, 7]}");
        try (HuggingFaceTokenizer t = CheckpointLoader.loadTokenizer(folder)) {
            long[] ids = t.encode(text).getIds();
            assertEquals(withBos.length, ids.length);
            assertEquals(withBos[1], ids[0]);
            assertEquals(2, ids[ids.length - 1]);
        }
        String described = CheckpointLoader.describe(folder);
        assertTrue(described.contains("bos <s> = 1 (not added), eos </s> = 2 (added to every text); added by "
                + "tokenizer_config.json (LlamaTokenizerFast)"), described);
    }

    @Test
    void describeNamesTheArchitectureItsShapeAndItsParameterCount() throws Exception {
        Path folder = ReferenceFixturesTest.root().resolve("olmo3");
        String described = CheckpointLoader.describe(folder);
        try (LoadedCheckpoint c = CheckpointLoader.load(folder, Device.cpu(), DataType.FLOAT32)) {
            String count = String.format(java.util.Locale.ROOT, "%,d parameters stored as float32",
                    c.decoder().weights().parameterCount());
            assertTrue(described.contains(count), described);
        }
        assertTrue(described.startsWith("model   Olmo3ForCausalLM (olmo3): 4 layers, d 64, 4 heads (4 kv) x 16"),
                described);
        assertTrue(described.contains("sliding window 16 on 3 of 4 layers"), described);
        String neox = CheckpointLoader.describe(ReferenceFixturesTest.root().resolve("neox-parallel-rot25-tf5"));
        assertTrue(neox.contains("rotary 4 of 16 dims, theta 10000") && neox.contains("parallel residual"), neox);
    }
}
