package dev.modehop.scorer.generation;

import dev.modehop.scorer.checkpoint.SafetensorsWriter;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.ModelConfig;
import dev.modehop.scorer.model.RandomCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A checkpoint folder whose next-token behaviour is known exactly: after token t it puts logit {@code 4 * strength}
 * on t+1 and 0 on every other token, so at temperature 1 it counts on and almost never back. Generation tests and
 * end-to-end tests use it as "a model that can give one answer and not another" (like {@link RandomCheckpoints},
 * it ships in main so other modules' tests can write one).
 */
public final class SuccessorModel {
    /** Tokens {@code t0..t15} of {@link RandomCheckpoints#numberedTokenizerJson}; context of 64 positions. */
    public static final int VOCAB = 16;

    private SuccessorModel() {
    }

    /**
     * A hand-weighted LLaMA whose next token is always the successor: every projection is zero, so the residual
     * stream is the token's embedding, a one-hot e_t; after the final RMS norm it is 4 e_t and the head maps it to
     * logit {@code 4 * strength} for token t+1 (mod 16) and 0 for every other token.
     */
    public static Path write(Path folder, double strength) throws java.io.IOException {
        ModelConfig config = ModelConfig.llama(VOCAB, VOCAB, 1, 2, 2, VOCAB, 64, false);
        Map<String, long[]> shapes = CheckpointLoader.shapes(config);
        SafetensorsWriter w = new SafetensorsWriter();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long[] shape = e.getValue();
            int n = 1;
            for (long d : shape) {
                n *= (int) d;
            }
            float[] data = new float[n];
            String name = e.getKey();
            if (name.contains("norm")) {
                java.util.Arrays.fill(data, 1f);
            } else if (name.contains("embed_tokens")) {
                for (int t = 0; t < VOCAB; t++) {
                    data[t * VOCAB + t] = 1f;
                }
            } else if (name.contains("lm_head")) {
                for (int t = 0; t < VOCAB; t++) {
                    data[((t + 1) % VOCAB) * VOCAB + t] = (float) strength;
                }
            }
            w.add(name, TensorDType.F32, shape, data);
        }
        Files.createDirectories(folder);
        RandomCheckpoints.writeConfig(folder, config);
        w.write(folder.resolve("model.safetensors"));
        Files.writeString(folder.resolve(CheckpointLoader.TOKENIZER_FILE), RandomCheckpoints.numberedTokenizerJson(VOCAB));
        return folder;
    }

}
