package dev.modehop.scorer.generation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.DecoderModel;
import dev.modehop.scorer.model.KeyValueCache;
import dev.modehop.scorer.model.LoadedCheckpoint;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decoding step by step with the growing cache gives, at every step, the logits of a full forward over the
 * prompt and every token generated so far (within 1e-4 relative), on HF reference fixtures of several families
 * (NeoX parallel residual, LLaMA GQA with a tied head, Gemma, Mistral's sliding window, Qwen3's q/k norm, OLMo2's
 * post-norm). The tokens fed are the greedy ones, so the continuation is what a sampler would produce.
 */
class CachedDecodingTest {
    private static final double TOLERANCE = 1e-4;
    private static final int STEPS = 10;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"neox-parallel-rot25", "llama-gqa-tied", "gemma", "mistral", "qwen3", "olmo2"})
    void everyStepEqualsTheFullForward(String name) throws Exception {
        Path fixture = Path.of(getClass().getResource("/reference-fixtures/" + name).toURI());
        JsonNode expected = new ObjectMapper().readTree(fixture.resolve("expected-logits.json").toFile());
        JsonNode first = expected.get("cases").get(0).get("input_ids");
        long[] ids = new long[first.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = first.get(i).asLong();
        }
        try (LoadedCheckpoint c = CheckpointLoader.load(fixture, Device.cpu(), DataType.FLOAT32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            DecoderModel model = c.decoder();
            int vocab = model.vocabSize();
            DecoderModel.Decoded step = model.decode(m, m.create(ids, new Shape(1, ids.length)), null);
            long[] text = ids;
            double worst = 0;
            for (int t = 0; t <= STEPS; t++) {
                float[] cached = step.logits().toFloatArray();
                float[] full = model.logits(m, m.create(text, new Shape(1, text.length))).toFloatArray();
                worst = Math.max(worst, relative(full, (text.length - 1) * vocab, cached, vocab));
                long next = Sampler.argmax(cached, 0, vocab);
                text = Arrays.copyOf(text, text.length + 1);
                text[text.length - 1] = next;
                KeyValueCache old = step.cache();
                step = model.decode(m, m.create(new long[] {next}, new Shape(1, 1)), old);
                old.close();
            }
            step.cache().close();
            System.out.printf(Locale.ROOT, "decoding %-22s prompt %d + %d steps, max relative difference %.2e%n",
                    name, ids.length, STEPS, worst);
            assertTrue(worst <= TOLERANCE, name + ": cached decoding vs full forward " + worst);
        }
    }

    private static double relative(float[] full, int offset, float[] cached, int vocab) {
        double maxAbs = 0;
        double maxErr = 0;
        for (int v = 0; v < vocab; v++) {
            maxAbs = Math.max(maxAbs, Math.abs(full[offset + v]));
            maxErr = Math.max(maxErr, Math.abs(full[offset + v] - cached[v]));
        }
        return maxErr / maxAbs;
    }
}
