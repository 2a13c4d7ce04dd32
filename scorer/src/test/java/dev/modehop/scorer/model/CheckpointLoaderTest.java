package dev.modehop.scorer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modehop.scorer.checkpoint.CheckpointException;
import dev.modehop.scorer.checkpoint.SafetensorsWriter;
import dev.modehop.scorer.checkpoint.TensorDType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointLoaderTest {
    @TempDir
    Path tmp;

    private static final long[] IDS = {1, 5, 2, 9, 4, 4, 0, 3};

    private static float[] logits(Path dir, DataType dtype) {
        try (LoadedCheckpoint c = CheckpointLoader.load(dir, Device.cpu(), dtype);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            return c.model().logits(m, m.create(IDS, new Shape(1, IDS.length))).toFloatArray();
        }
    }

    @Test
    void bf16AndF16WeightsGiveTheF32LogitsWithinTheirPrecision() throws Exception {
        for (ModelConfig config : new ModelConfig[] {TinyCheckpoints.neox(true), TinyCheckpoints.llama(4, 2, false)}) {
            Map<String, float[]> w = TinyCheckpoints.randomWeights(config, 21);
            float[] f32 = logits(TinyCheckpoints.write(tmp.resolve("f32" + config.architecture()), config, w,
                    TensorDType.F32), DataType.FLOAT32);
            float[] f16 = logits(TinyCheckpoints.write(tmp.resolve("f16" + config.architecture()), config, w,
                    TensorDType.F16), DataType.FLOAT32);
            float[] bf16 = logits(TinyCheckpoints.write(tmp.resolve("bf16" + config.architecture()), config, w,
                    TensorDType.BF16), DataType.FLOAT32);
            double scale = maxAbs(f32);
            assertTrue(maxDiff(f32, f16) < 5e-3 * scale, "f16 " + maxDiff(f32, f16) / scale);
            assertTrue(maxDiff(f32, bf16) < 5e-2 * scale, "bf16 " + maxDiff(f32, bf16) / scale);
            assertTrue(maxDiff(f32, bf16) > 0, "bf16 weights really were rounded");
            // and exactly what the reference computes on the rounded weights
            double[][] ref = new ReferenceForward(config, TinyCheckpoints.roundedThrough(w, TensorDType.BF16))
                    .logits(IDS);
            ForwardMatchesReferenceTest.assertClose(ref, bf16, 1e-4, "bf16 vs reference on rounded weights");
        }
    }

    @Test
    void float16ComputeOnCpuStaysCloseToFloat32() throws Exception {
        ModelConfig config = TinyCheckpoints.toyNeox();
        Path dir = TinyCheckpoints.write(tmp.resolve("m"), config, TinyCheckpoints.randomWeights(config, 4),
                TensorDType.F32);
        float[] f32 = logits(dir, DataType.FLOAT32);
        float[] f16 = logits(dir, DataType.FLOAT16);
        assertTrue(maxDiff(f32, f16) < 2e-2 * maxAbs(f32), "half compute " + maxDiff(f32, f16) / maxAbs(f32));
    }

    @Test
    void saveLoadRoundTripOfModelWeightsIsExact() throws Exception {
        ModelConfig config = TinyCheckpoints.toyNeox();
        try (ModelWeights w = ModelWeights.random(CheckpointLoader.shapes(config), 7, 0.1, 0.1, 0.1, Device.cpu(),
                DataType.FLOAT32);
             DecoderModel model = CheckpointLoader.create(config, w);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Path dir = Files.createDirectories(tmp.resolve("saved"));
            TinyCheckpoints.writeConfig(dir, config);
            TinyCheckpoints.writeTokenizer(dir, config.vocabSize());
            w.save(dir.resolve("model.safetensors"), TensorDType.F32);
            float[] before = model.logits(m, m.create(IDS, new Shape(1, IDS.length))).toFloatArray();
            assertArrayEquals(before, logits(dir, DataType.FLOAT32));
            // the config survives too, toy extras included
            ModelConfig back = CheckpointLoader.readConfig(dir);
            assertTrue(back.prevTokenEmbedding() && back.learnedPositions());
            assertEquals(config.rotaryDims(), back.rotaryDims());
        }
    }

    @Test
    void shardedCheckpointGivesTheSameLogitsAsOneFile() throws Exception {
        ModelConfig config = TinyCheckpoints.llama(4, 2, true);
        Map<String, float[]> w = TinyCheckpoints.randomWeights(config, 8);
        Path single = TinyCheckpoints.write(tmp.resolve("single"), config, w, TensorDType.BF16);
        Path sharded = Files.createDirectories(tmp.resolve("sharded"));
        TinyCheckpoints.writeConfig(sharded, config);
        TinyCheckpoints.writeTokenizer(sharded, config.vocabSize());
        TinyCheckpoints.writer(config, w, TensorDType.BF16).writeSharded(sharded, 4000);
        assertTrue(Files.exists(sharded.resolve("model.safetensors.index.json")));
        assertTrue(Files.list(sharded).filter(p -> p.toString().endsWith(".safetensors")).count() > 2);
        assertArrayEquals(logits(single, DataType.FLOAT32), logits(sharded, DataType.FLOAT32));
    }

    @Test
    void tokenizerLoadsOfflineAndEncodesTheTestVocabulary() throws Exception {
        ModelConfig config = TinyCheckpoints.neox(true);
        Path dir = TinyCheckpoints.write(tmp.resolve("t"), config, TinyCheckpoints.randomWeights(config, 1),
                TensorDType.F32);
        try (LoadedCheckpoint c = CheckpointLoader.load(dir, Device.cpu(), DataType.FLOAT32)) {
            assertArrayEquals(new long[] {3, 12, 1}, c.tokenizer().encode("t3 t12 t1").getIds());
        }
    }

    @Test
    void errorsNameTheFileAtFault() throws Exception {
        ModelConfig config = TinyCheckpoints.neox(true);
        Map<String, float[]> w = TinyCheckpoints.randomWeights(config, 3);

        Path noConfig = TinyCheckpoints.write(tmp.resolve("noconfig"), config, w, TensorDType.F32);
        Files.delete(noConfig.resolve("config.json"));
        assertNames(noConfig.resolve("config.json"), noConfig, "missing");

        Path unknown = TinyCheckpoints.write(tmp.resolve("unknown"), config, w, TensorDType.F32);
        Files.writeString(unknown.resolve("config.json"), Files.readString(unknown.resolve("config.json"))
                .replace("GPTNeoXForCausalLM", "MambaForCausalLM").replace("gpt_neox", "mamba"));
        assertNames(unknown.resolve("config.json"), unknown, "unknown architecture 'MambaForCausalLM'");

        Path badJson = TinyCheckpoints.write(tmp.resolve("badjson"), config, w, TensorDType.F32);
        Files.writeString(badJson.resolve("config.json"), "{ not json");
        assertNames(badJson.resolve("config.json"), badJson, "JSON");

        Path noWeights = TinyCheckpoints.write(tmp.resolve("noweights"), config, w, TensorDType.F32);
        Files.delete(noWeights.resolve("model.safetensors"));
        assertNames(noWeights.resolve("model.safetensors"), noWeights, "missing");

        Path noTokenizer = TinyCheckpoints.write(tmp.resolve("notok"), config, w, TensorDType.F32);
        Files.delete(noTokenizer.resolve("tokenizer.json"));
        assertNames(noTokenizer.resolve("tokenizer.json"), noTokenizer, "missing");

        Path badTokenizer = TinyCheckpoints.write(tmp.resolve("badtok"), config, w, TensorDType.F32);
        Files.writeString(badTokenizer.resolve("tokenizer.json"), "{\"model\": 3}");
        assertNames(badTokenizer.resolve("tokenizer.json"), badTokenizer, "tokenizer");

        Path missingTensor = TinyCheckpoints.write(tmp.resolve("missingtensor"), config, w, TensorDType.F32);
        Map<String, float[]> fewer = new LinkedHashMap<>(w);
        fewer.remove("embed_out.weight");
        TinyCheckpoints.writer(config, fewer, TensorDType.F32).write(missingTensor.resolve("model.safetensors"));
        assertNames(missingTensor.resolve("model.safetensors"), missingTensor, "embed_out.weight");

        Path wrongShape = TinyCheckpoints.write(tmp.resolve("wrongshape"), config, w, TensorDType.F32);
        new SafetensorsWriter().add("gpt_neox.embed_in.weight", TensorDType.F32, new long[] {1, 1}, new float[1])
                .write(wrongShape.resolve("model.safetensors"));
        assertNames(wrongShape.resolve("model.safetensors"), wrongShape, "shape");

        Path corrupt = TinyCheckpoints.write(tmp.resolve("corrupt"), config, w, TensorDType.F32);
        byte[] bytes = Files.readAllBytes(corrupt.resolve("model.safetensors"));
        Files.write(corrupt.resolve("model.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertNames(corrupt.resolve("model.safetensors"), corrupt, "truncated");
    }

    private static void assertNames(Path file, Path folder, String word) {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> CheckpointLoader.load(folder, Device.cpu(), DataType.FLOAT32).close());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(word), e.getMessage());
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
