package dev.modehop.scorer.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.scorer.checkpoint.SafetensorsCheckpoint;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.probes.toy.ToyVocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HF-style checkpoint folders with random weights, for benchmarks and tests: {@code config.json},
 * {@code model.safetensors} and a {@code tokenizer.json} that loads offline. Weights come from
 * {@link ModelWeights#random} (seeded, identical on every machine). Nothing here is a trained model.
 */
public final class RandomCheckpoints {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** HF's {@code Whitespace} pre-tokenizer splits on this; the word-level vocabularies below use the same split. */
    private static final Pattern WORDS = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

    private RandomCheckpoints() {
    }

    /** The toy run's model: toy vocabulary, d 32, 2 layers, 2 heads, previous-token embedding, learned positions. */
    public static ModelConfig toyRun() {
        return ModelConfig.gptNeoX(ToyVocabulary.VOCAB_SIZE, 32, 2, 2, 128, 32, 0.0).toBuilder()
                .prevTokenEmbedding(true).learnedPositions(true).bosTokenId(ToyVocabulary.BOS_ID).build();
    }

    /** Pythia-70M's shape: 6 layers, d 512, 8 heads, MLP 2048, vocab 50304, rotary on 25%, parallel residual. */
    public static ModelConfig pythia70m() {
        return ModelConfig.gptNeoX(50304, 512, 6, 8, 2048, 2048, 0.25);
    }

    /** Pythia-160M's shape: 12 layers, d 768, 12 heads, MLP 3072, vocab 50304, rotary on 25%, parallel residual. */
    public static ModelConfig pythia160m() {
        return ModelConfig.gptNeoX(50304, 768, 12, 12, 3072, 2048, 0.25);
    }

    /** Pythia-1B's shape (GPT-NeoX, 16 layers, d 2048, 8 heads), for GPU benchmarks. */
    public static ModelConfig pythia1b() {
        return ModelConfig.gptNeoX(50304, 2048, 16, 8, 8192, 2048, 0.25);
    }

    /**
     * An OLMo-2 block at about 100M parameters: 8 layers, d 640, 10 heads of 64, SwiGLU MLP 1792, post-norm RMSNorm,
     * q/k RMSNorm over all heads, rope theta 500000, untied, vocab 50304 (Pythia's, to compare with it).
     */
    public static ModelConfig olmo2At100m() {
        return new ModelConfig.Builder(Architecture.OLMO2, 50304, 640, 8, 10, 1792).maxPositions(4096)
                .rope(Rope.plain(500_000)).build();
    }

    /**
     * A Qwen3 block at about 100M parameters: 14 layers, d 640, 10 heads / 5 key-value heads of 64, per-head q/k
     * RMSNorm, SwiGLU MLP 1792, rope theta 1000000, tied as Qwen3's small models are, vocab 50304.
     */
    public static ModelConfig qwen3At100m() {
        return new ModelConfig.Builder(Architecture.QWEN3, 50304, 640, 14, 10, 1792).keyValueHeads(5).headDim(64)
                .maxPositions(4096).rope(Rope.plain(1_000_000)).tied(true).build();
    }

    /** {@code toy}, {@code pythia-70m}, {@code pythia-160m}, {@code pythia-1b}, {@code olmo2-100m} or {@code qwen3-100m}. */
    public static ModelConfig shape(String name) {
        return switch (name) {
            case "toy" -> toyRun();
            case "pythia-70m" -> pythia70m();
            case "pythia-160m" -> pythia160m();
            case "pythia-1b" -> pythia1b();
            case "olmo2-100m" -> olmo2At100m();
            case "qwen3-100m" -> qwen3At100m();
            default -> throw new IllegalArgumentException("unknown model shape '" + name
                    + "' (toy, pythia-70m, pythia-160m, pythia-1b, olmo2-100m, qwen3-100m)");
        };
    }

    /**
     * Writes a checkpoint folder: weights N(0, std), norm weights 1, biases 0, stored as {@code storage}.
     *
     * @return {@code dir}
     */
    public static Path write(Path dir, ModelConfig config, long seed, double std, TensorDType storage,
                             String tokenizerJson) {
        try {
            Files.createDirectories(dir);
            writeConfig(dir, config);
            try (ModelWeights w = ModelWeights.random(CheckpointLoader.shapes(config), seed, std, 0, 0, Device.cpu(),
                    DataType.FLOAT32)) {
                w.save(dir.resolve(SafetensorsCheckpoint.SINGLE_FILE), storage);
            }
            Files.writeString(dir.resolve(CheckpointLoader.TOKENIZER_FILE), tokenizerJson);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint to " + dir, e);
        }
    }

    public static void writeConfig(Path dir, ModelConfig config) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CheckpointLoader.CONFIG_FILE).toFile(),
                config.toJson());
    }

    /** A WordLevel tokenizer over the words {@code t0..t{vocab-1}} (id i = "ti"), split on whitespace. */
    public static String numberedTokenizerJson(int vocab) {
        Map<String, Integer> v = new LinkedHashMap<>();
        for (int i = 0; i < vocab; i++) {
            v.put("t" + i, i);
        }
        return wordLevelJson(v, "t0", "WhitespaceSplit");
    }

    /**
     * A WordLevel tokenizer whose vocabulary is {@code <unk>} (id 0) followed by every word and punctuation run
     * of {@code texts} in order of first appearance, split as HF's {@code Whitespace} pre-tokenizer splits. Not a
     * real model's tokenizer: English text comes out at about one token per word, while BPE tokenizers such as
     * Pythia's give somewhat more.
     *
     * @throws IllegalArgumentException when the texts have more than {@code maxVocab - 1} distinct words
     */
    public static String wordLevelTokenizerJson(Iterable<String> texts, int maxVocab) {
        Map<String, Integer> v = new LinkedHashMap<>();
        v.put("<unk>", 0);
        for (String text : texts) {
            Matcher m = WORDS.matcher(text);
            while (m.find()) {
                v.putIfAbsent(m.group(), v.size());
            }
        }
        if (v.size() > maxVocab) {
            throw new IllegalArgumentException("the texts have " + (v.size() - 1) + " distinct words; the model's vocabulary holds "
                    + maxVocab);
        }
        return wordLevelJson(v, "<unk>", "Whitespace");
    }

    private static String wordLevelJson(Map<String, Integer> vocab, String unk, String preTokenizer) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.putArray("added_tokens");
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", preTokenizer);
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        model.put("unk_token", unk);
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
