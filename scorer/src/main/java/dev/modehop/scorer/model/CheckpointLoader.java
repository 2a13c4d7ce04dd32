package dev.modehop.scorer.model;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.scorer.checkpoint.CheckpointException;
import dev.modehop.scorer.checkpoint.SafetensorsCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads an HF-style checkpoint folder: {@code config.json}, {@code model.safetensors} (or shards with
 * {@code model.safetensors.index.json}) and {@code tokenizer.json}. Every failure is a
 * {@link CheckpointException} naming the file at fault.
 */
public final class CheckpointLoader {
    public static final String CONFIG_FILE = "config.json";
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointLoader() {
    }

    /** Model and tokenizer on {@code device}, weights in {@code dtype} (FLOAT32 or FLOAT16). */
    public static LoadedCheckpoint load(Path folder, Device device, DataType dtype) {
        DecoderModel model = loadModel(folder, device, dtype);
        try {
            return new LoadedCheckpoint(folder, model, loadTokenizer(folder));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** CPU unless DJL sees a GPU, float32. */
    public static LoadedCheckpoint load(Path folder) {
        return load(folder, ModelDevices.device("auto"), DataType.FLOAT32);
    }

    /** Only the model (no tokenizer needed), e.g. for weight averaging. */
    public static DecoderModel loadModel(Path folder, Device device, DataType dtype) {
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
            throw new IllegalArgumentException("compute dtype must be FLOAT32 or FLOAT16, not " + dtype
                    + " (DJL aborts on BF16; BF16 weights are widened when read)");
        }
        if (!Files.isDirectory(folder)) {
            throw new CheckpointException(folder, "is not a checkpoint folder");
        }
        ModelConfig config = readConfig(folder);
        try (SafetensorsCheckpoint weights = SafetensorsCheckpoint.open(folder)) {
            ModelWeights loaded = ModelWeights.load(weights, shapes(config), device, dtype);
            try {
                return create(config, loaded);
            } catch (RuntimeException e) {
                loaded.close();
                throw new CheckpointException(weights.source(), e.getMessage(), e);
            }
        }
    }

    public static ModelConfig readConfig(Path folder) {
        Path file = folder.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "file is missing");
        }
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new CheckpointException(file, "corrupt: not JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new CheckpointException(file, "corrupt: not a JSON object");
        }
        try {
            return ModelConfig.fromJson(node);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, e.getMessage());
        }
    }

    /**
     * The folder's tokenizer.json, offline, with truncation and padding off (prompts are scored whole;
     * the caller batches). Special tokens are added as the tokenizer's post-processor says, like HF's
     * {@code tokenizer(text)}.
     */
    public static HuggingFaceTokenizer loadTokenizer(Path folder) {
        Path file = folder.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "file is missing");
        }
        try {
            return HuggingFaceTokenizer.newInstance(file, Map.of("truncation", "false", "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file, "cannot load tokenizer", e);
        }
    }

    /** The tensor names and shapes a config implies. */
    public static Map<String, long[]> shapes(ModelConfig config) {
        return TensorLayout.shapes(config);
    }

    /** The architecture's model over given weights. */
    public static DecoderModel create(ModelConfig config, ModelWeights weights) {
        return config.isGptNeoX() ? new GptNeoXModel(config, weights) : new DecoderModel(config, weights);
    }
}
