package dev.modehop.scorer.model;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.scorer.checkpoint.CheckpointException;
import dev.modehop.scorer.checkpoint.CheckpointFormat;
import dev.modehop.scorer.checkpoint.SafetensorsCheckpoint;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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
        CheckpointFormat.requireSafetensors(folder);
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
            CheckpointFormat.refuseOtherFormats(folder);
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
     * the caller batches). Special tokens are added as HF's {@code tokenizer(text)} adds them: as the
     * post-processor says, rebuilt from tokenizer_config.json for the tokenizer classes HF rebuilds
     * ({@link SpecialTokens}).
     */
    public static HuggingFaceTokenizer loadTokenizer(Path folder) {
        Path file = folder.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "file is missing");
        }
        Map<String, String> options = Map.of("truncation", "false", "padding", "false");
        try {
            ObjectNode json = SpecialTokens.tokenizerJson(folder);
            if (json.equals(JSON.readTree(file.toFile()))) {
                return HuggingFaceTokenizer.newInstance(file, options);
            }
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(JSON.writeValueAsBytes(json)), options);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CheckpointException c) {
                throw c;
            }
            throw new CheckpointException(file, "cannot load tokenizer", e);
        }
    }

    /** What {@code modehop score} prints before it scores: the model, its size and stored dtype, its special tokens. */
    public static String describe(Path folder) {
        ModelConfig c = readConfig(folder);
        CheckpointFormat.requireSafetensors(folder);
        long parameters = 0;
        try (SafetensorsCheckpoint weights = SafetensorsCheckpoint.open(folder)) {
            for (String name : shapes(c).keySet()) {
                if (weights.contains(name)) {
                    long n = 1;
                    for (long d : weights.entry(name).shape()) {
                        n *= d;
                    }
                    parameters += n;
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "model   %s (%s): %d layers, d %d, %d heads (%d kv) x %d, MLP %d %s, "
                        + "rotary %s%s%s, %s%s; %,d parameters stored as %s%n",
                c.architecture(), c.family(), c.numLayers(), c.hiddenSize(), c.numHeads(), c.numKeyValueHeads(),
                c.headDim(), c.intermediateSize(), c.hiddenAct(),
                c.rotaryDims() == c.headDim() ? "" : c.rotaryDims() + " of " + c.headDim() + " dims, ",
                c.rope().describe(),
                c.slidingLayers().contains(true) ? String.format(Locale.ROOT, ", sliding window %d on %d of %d layers",
                        c.slidingWindow(), c.slidingLayers().stream().filter(b -> b).count(), c.numLayers()) : "",
                c.tiedEmbeddings() ? "tied head" : "untied head",
                c.isGptNeoX() ? (c.parallelResidual() ? ", parallel residual" : ", sequential residual") : "",
                parameters, c.storedDtype()));
        try {
            sb.append("tokens  ").append(TOKENIZER_FILE).append(": ")
                    .append(SpecialTokens.of(folder, SpecialTokens.tokenizerJson(folder), c.raw()).describe())
                    .append(System.lineSeparator());
        } catch (CheckpointException e) {
            sb.append("tokens  ").append(e.getMessage()).append(System.lineSeparator());
        }
        return sb.toString();
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
