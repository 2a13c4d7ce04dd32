package dev.modehop.scorer.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.generation.Completion.Finish;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.LoadedCheckpoint;
import dev.modehop.scorer.model.ModelConfig;
import dev.modehop.scorer.model.RandomCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SamplerTest {
    @TempDir
    Path dir;

    private Path successorModel(double strength) throws Exception {
        return SuccessorModel.write(dir.resolve("successor"), strength);
    }

    private Path randomModel(String family) {
        ModelConfig config = switch (family) {
            case "llama" -> ModelConfig.llama(17, 24, 2, 4, 2, 40, 64, false);
            case "neox" -> ModelConfig.gptNeoX(17, 16, 2, 2, 40, 64, 0.5);
            default -> ModelConfig.gptNeoX(17, 16, 2, 2, 40, 64, 0.0).toBuilder().prevTokenEmbedding(true)
                    .learnedPositions(true).bosTokenId(0).build();
        };
        return RandomCheckpoints.write(dir.resolve(family), config, 7, 0.5, TensorDType.F32,
                RandomCheckpoints.numberedTokenizerJson(17));
    }

    private static SamplingSettings settings(int samples, double temperature, int maxTokens, List<String> stops) {
        return SamplingSettings.builder(42).samples(samples).temperature(temperature).maxNewTokens(maxTokens)
                .stopStrings(stops).batchSize(samples).sharePromptCache(true).build();
    }

    @Test
    void greedyFollowsTheKnownNextTokenAndStopsAtEos() throws Exception {
        try (LoadedCheckpoint c = CheckpointLoader.load(successorModel(3), Device.cpu(), DataType.FLOAT32)) {
            Sampler free = new Sampler(c.decoder(), c.tokenizer(), -1);
            List<Completion> out = free.sample("q", "t2 t3", settings(2, 0, 5, List.of()));
            for (Completion done : out) {
                assertEquals("t4 t5 t6 t7 t8", done.text());
                assertEquals(5, done.tokens());
                assertEquals(Finish.LENGTH, done.finish());
            }
            Sampler withEos = new Sampler(c.decoder(), c.tokenizer(), 7);
            Completion eos = withEos.sample("q", "t2 t3", settings(1, 0, 20, List.of())).get(0);
            assertEquals("t4 t5 t6", eos.text());
            assertEquals(Finish.EOS, eos.finish());
        }
    }

    /**
     * End to end: sampled at temperature 1 (per-token successor probability e^8 / (e^8 + 15) = 0.995), the model can
     * produce a counting answer and cannot produce one that goes backwards; the expected-answer regex, matched
     * case-insensitively anywhere, gives match rates near 1 and near 0.
     */
    @Test
    void matchRatesNearOneForAnAnswerItCanGiveAndNearZeroForOneItCannot() throws Exception {
        try (LoadedCheckpoint c = CheckpointLoader.load(successorModel(2), Device.cpu(), DataType.FLOAT32)) {
            Sampler sampler = new Sampler(c.decoder(), c.tokenizer(), -1);
            SamplingSettings s = SamplingSettings.builder(3).samples(200).temperature(1.0).maxNewTokens(4)
                    .stopStrings(List.of()).batchSize(64).sharePromptCache(true).build();
            List<Completion> out = sampler.sample("count", "t1 t2", s);
            double can = matchRate(out, "T3 t4\\s+t5");
            double cannot = matchRate(out, "t4 t2");
            assertTrue(can > 0.9 && can < 1.0 + 1e-12, "match rate of the answer it can give: " + can);
            assertTrue(cannot < 0.05, "match rate of the answer it cannot give: " + cannot);
        }
    }

    private static double matchRate(List<Completion> out, String regex) {
        Pattern p = Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        return out.stream().filter(x -> p.matcher(x.text()).find()).count() / (double) out.size();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama", "neox", "toy"})
    void samplesAreReproducibleAndIndependentOfBatchSizeAndPromptSharing(String family) {
        try (LoadedCheckpoint c = CheckpointLoader.load(randomModel(family), Device.cpu(), DataType.FLOAT32)) {
            Sampler sampler = Sampler.of(c);
            SamplingSettings s = SamplingSettings.builder(11).samples(10).temperature(1.0).maxNewTokens(12)
                    .stopStrings(List.of()).batchSize(10).sharePromptCache(true).build();
            List<Completion> reference = sampler.sample("q1", "t3 t5 t8", s);
            assertEquals(reference, sampler.sample("q1", "t3 t5 t8", s), "same settings, same completions");
            for (int batch : new int[] {1, 3, 7}) {
                assertEquals(reference, sampler.sample("q1", "t3 t5 t8", s.toBuilder().batchSize(batch).build()),
                        "batch " + batch);
            }
            assertEquals(reference, sampler.sample("q1", "t3 t5 t8", s.toBuilder().sharePromptCache(false).build()),
                    "prompt prefilled per sample");
            assertTrue(reference.stream().map(Completion::text).distinct().count() > 5,
                    "temperature 1 on random weights gives varied samples");
            List<Completion> otherQuestion = sampler.sample("q2", "t3 t5 t8", s);
            assertNotEquals(reference.stream().map(Completion::text).toList(),
                    otherQuestion.stream().map(Completion::text).toList(), "another question id, other streams");
            for (Completion x : reference) {
                assertEquals(12, x.tokens());
                assertEquals(Finish.LENGTH, x.finish());
            }
        }
    }

    @Test
    void aStopStringSpanningTokensCutsTheCompletionBeforeIt() {
        try (LoadedCheckpoint c = CheckpointLoader.load(randomModel("llama"), Device.cpu(), DataType.FLOAT32)) {
            Sampler sampler = Sampler.of(c);
            Completion free = sampler.sample("q", "t1 t2", settings(1, 1.0, 10, List.of())).get(0);
            String text = free.text();
            int space = text.indexOf(' ');
            String stop = text.substring(space - 1, space + 2);
            Completion stopped = sampler.sample("q", "t1 t2", settings(1, 1.0, 10, List.of("zz", stop))).get(0);
            assertEquals(text.substring(0, text.indexOf(stop)), stopped.text(), "stop '" + stop + "' in '" + text + "'");
            assertEquals(Finish.STOP, stopped.finish());
            assertEquals(2, stopped.tokens(), "decoding ends at the token that completes the stop string");
            Completion none = sampler.sample("q", "t1 t2", settings(1, 1.0, 0, List.of())).get(0);
            assertEquals("", none.text());
            assertEquals(Finish.LENGTH, none.finish());
        }
    }

    @Test
    void aPromptLongerThanTheContextIsRefusedAndGenerationEndsWhereTheContextDoes() {
        try (LoadedCheckpoint c = CheckpointLoader.load(randomModel("neox"), Device.cpu(), DataType.FLOAT32)) {
            Sampler sampler = Sampler.of(c);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> sampler.sample("long", words(64), settings(1, 1.0, 5, List.of())));
            assertTrue(e.getMessage().contains("64 tokens") && e.getMessage().contains("context of 64"), e.getMessage());
            String nearlyFull = words(57);
            assertEquals(57, sampler.encode(nearlyFull).length);
            Completion cut = sampler.sample("edge", nearlyFull, settings(1, 1.0, 50, List.of())).get(0);
            assertEquals(7, cut.tokens());
            assertEquals(Finish.CONTEXT, cut.finish());
        }
    }

    private static String words(int n) {
        StringBuilder prompt = new StringBuilder();
        for (int i = 0; i < n; i++) {
            prompt.append("t").append(i % 17).append(' ');
        }
        return prompt.toString();
    }

    @Test
    void settingsRefuseNonsense() {
        assertThrows(IllegalArgumentException.class, () -> settings(0, 1, 5, List.of()));
        assertThrows(IllegalArgumentException.class, () -> settings(1, -1, 5, List.of()));
        assertThrows(IllegalArgumentException.class, () -> settings(1, Double.NaN, 5, List.of()));
        assertThrows(IllegalArgumentException.class, () -> settings(1, 1, -1, List.of()));
        assertThrows(IllegalArgumentException.class, () -> settings(1, 1, 5, List.of("")));
    }
}
