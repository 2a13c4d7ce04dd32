package dev.modehop.scorer.worker;

import dev.modehop.scorer.checkpoint.SafetensorsWriter;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.GptNeoXModel;
import dev.modehop.scorer.model.ModelConfig;
import dev.modehop.scorer.model.RandomCheckpoints;
import dev.modehop.probes.toy.ToyVocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Toy-run-shaped GPT-NeoX checkpoint folders (73-token toy vocabulary, previous-token embedding, learned
 * positions, d 32, 2 layers: {@link RandomCheckpoints#toyRun()}) written into a test's temp dir through the model
 * half's public API, with weights these tests control (rigged or seeded).
 */
final class ToyCheckpoints {
    /** Label l_j gets logit {@code RIGGED_SLOPE * j} at every position of a rigged checkpoint; all else 0. */
    static final double RIGGED_SLOPE = 0.5;

    private ToyCheckpoints() {
    }

    static ModelConfig config() {
        return RandomCheckpoints.toyRun();
    }

    static Map<String, float[]> randomWeights(ModelConfig config, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : CheckpointLoader.shapes(config).entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] data = new float[(int) n];
            boolean normWeight = e.getKey().contains("norm") && e.getKey().endsWith("weight");
            for (int i = 0; i < data.length; i++) {
                double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
                data[i] = (float) (normWeight ? 1 + 0.1 * g : 0.5 * g);
            }
            w.put(e.getKey(), data);
        }
        return w;
    }

    /**
     * Random weights, except that the final layer norm outputs a constant (weight 0, bias e0) and the output
     * head maps e0 to {@code RIGGED_SLOPE * j} for label l_j: every position's next-token distribution is the
     * same known softmax, whatever the input.
     */
    static Map<String, float[]> riggedWeights(ModelConfig config) {
        Map<String, float[]> w = randomWeights(config, 11);
        int d = config.hiddenSize();
        float[] normWeight = new float[d];
        float[] normBias = new float[d];
        normBias[0] = 1;
        w.put(GptNeoXModel.FINAL_NORM + "weight", normWeight);
        w.put(GptNeoXModel.FINAL_NORM + "bias", normBias);
        float[] head = new float[config.vocabSize() * d];
        for (int j = 0; j < ToyVocabulary.LABELS; j++) {
            head[ToyVocabulary.labelId(j) * d] = (float) (RIGGED_SLOPE * j);
        }
        w.put(GptNeoXModel.EMBED_OUT, head);
        return w;
    }

    /** P(l_j) under the rigged checkpoint. */
    static double riggedLabelProbability(int j) {
        double z = ToyVocabulary.VOCAB_SIZE - ToyVocabulary.LABELS;
        for (int k = 0; k < ToyVocabulary.LABELS; k++) {
            z += Math.exp(RIGGED_SLOPE * k);
        }
        return Math.exp(RIGGED_SLOPE * j) / z;
    }

    static Path write(Path dir, ModelConfig config, Map<String, float[]> weights) throws IOException {
        Files.createDirectories(dir);
        RandomCheckpoints.writeConfig(dir, config);
        SafetensorsWriter writer = new SafetensorsWriter();
        Map<String, long[]> shapes = CheckpointLoader.shapes(config);
        weights.forEach((name, data) -> writer.add(name, TensorDType.F32, shapes.get(name), data));
        writer.write(dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("tokenizer.json"), ToyVocabulary.tokenizerJson());
        return dir;
    }

    static Path rigged(Path dir) throws IOException {
        return write(dir, config(), riggedWeights(config()));
    }

    static Path random(Path dir, long seed) throws IOException {
        return write(dir, config(), randomWeights(config(), seed));
    }
}
