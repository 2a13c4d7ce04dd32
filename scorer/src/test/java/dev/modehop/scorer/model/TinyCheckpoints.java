package dev.modehop.scorer.model;

import dev.modehop.scorer.checkpoint.SafetensorsWriter;
import dev.modehop.scorer.checkpoint.TensorDType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Builds small random-weight checkpoint folders in a test's temp dir. Nothing here is committed. */
final class TinyCheckpoints {
    private TinyCheckpoints() {
    }

    static ModelConfig neox(boolean parallel) {
        return ModelConfig.gptNeoX(13, 16, 2, 2, 40, 32, 0.5).toBuilder().parallelResidual(parallel).build();
    }

    static ModelConfig toyNeox() {
        return ModelConfig.gptNeoX(13, 16, 2, 2, 64, 12, 0.0).toBuilder().prevTokenEmbedding(true)
                .learnedPositions(true).bosTokenId(0).build();
    }

    static ModelConfig llama(int heads, int kvHeads, boolean tied) {
        return ModelConfig.llama(17, 24, 2, heads, kvHeads, 40, 64, tied);
    }

    /** Weights with visible structure (norm weights near 1, biases non-zero) so every tensor matters. */
    static Map<String, float[]> randomWeights(ModelConfig config, long seed) {
        Random r = new Random(seed);
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : CheckpointLoader.shapes(config).entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] data = new float[(int) n];
            boolean norm = e.getKey().contains("norm");
            for (int i = 0; i < data.length; i++) {
                double g = r.nextGaussian();
                data[i] = (float) (norm && e.getKey().endsWith("weight") ? 1 + 0.2 * g : 0.3 * g);
            }
            w.put(e.getKey(), data);
        }
        return w;
    }

    static Path write(Path dir, ModelConfig config, Map<String, float[]> weights, TensorDType dtype) throws IOException {
        Files.createDirectories(dir);
        writeConfig(dir, config);
        writer(config, weights, dtype).write(dir.resolve("model.safetensors"));
        writeTokenizer(dir, config.vocabSize());
        return dir;
    }

    static SafetensorsWriter writer(ModelConfig config, Map<String, float[]> weights, TensorDType dtype) {
        SafetensorsWriter w = new SafetensorsWriter();
        Map<String, long[]> shapes = CheckpointLoader.shapes(config);
        weights.forEach((name, data) -> w.add(name, dtype, shapes.get(name), data));
        return w;
    }

    static void writeConfig(Path dir, ModelConfig config) throws IOException {
        RandomCheckpoints.writeConfig(dir, config);
    }

    /** A WordLevel tokenizer over t0..t{n-1}, split on whitespace ({@link RandomCheckpoints#numberedTokenizerJson}). */
    static void writeTokenizer(Path dir, int vocab) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), RandomCheckpoints.numberedTokenizerJson(vocab));
    }

    /** Rounds weights through a storage dtype, as a reader widening them would see them. */
    static Map<String, float[]> roundedThrough(Map<String, float[]> w, TensorDType dtype) {
        Map<String, float[]> out = new LinkedHashMap<>();
        w.forEach((k, v) -> {
            float[] c = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                c[i] = switch (dtype) {
                    case BF16 -> dev.modehop.scorer.checkpoint.HalfFloats.bf16ToFloat(
                            dev.modehop.scorer.checkpoint.HalfFloats.floatToBf16(v[i]));
                    case F16 -> dev.modehop.scorer.checkpoint.HalfFloats.f16ToFloat(
                            dev.modehop.scorer.checkpoint.HalfFloats.floatToF16(v[i]));
                    default -> v[i];
                };
            }
            out.put(k, c);
        });
        return out;
    }
}
