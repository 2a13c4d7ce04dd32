package dev.modehop.scorer.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modehop.scorer.model.CausalLanguageModel;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.DecoderModel;
import dev.modehop.scorer.model.ModelConfig;
import dev.modehop.scorer.model.ModelWeights;
import dev.modehop.probes.ProbeItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Projecting only the answer-predicting positions through the head ({@link DecoderModel#logitsAt}) gives the
 * same scores as projecting every position and copying the rows out (the interface's default, reached through
 * a wrapper that hides the override), on random GPT-NeoX and LLaMA models, in right-padded batches of mixed
 * prompt lengths, with and without shared one-token answers.
 */
class SelectedRowsScoringTest {
    private static final int VOCAB = 40;
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("gpt-neox parallel", ModelConfig.gptNeoX(VOCAB, 16, 2, 2, 40, 64, 0.5)),
                Arguments.of("gpt-neox sequential", ModelConfig.gptNeoX(VOCAB, 16, 2, 2, 40, 64, 1.0)
                        .toBuilder().parallelResidual(false).build()),
                Arguments.of("gpt-neox toy extras", ModelConfig.gptNeoX(VOCAB, 16, 2, 2, 40, 64, 0.0)
                        .toBuilder().prevTokenEmbedding(true).learnedPositions(true).bosTokenId(0).build()),
                Arguments.of("llama gqa untied", ModelConfig.llama(VOCAB, 24, 2, 4, 2, 40, 64, false)),
                Arguments.of("llama mha tied", ModelConfig.llama(VOCAB, 24, 2, 2, 2, 40, 64, true)));
    }

    private static DecoderModel randomModel(ModelConfig config) {
        ModelWeights weights = ModelWeights.random(CheckpointLoader.shapes(config), 11, 0.3, 0.2, 0.1, Device.cpu(),
                DataType.FLOAT32);
        return CheckpointLoader.create(config, weights);
    }

    /** The model with only {@code logits} visible, so {@code logitsAt} takes the full-logits default. */
    private static CausalLanguageModel fullLogitsOnly(DecoderModel model) {
        return new CausalLanguageModel() {
            @Override
            public NDArray logits(NDManager m, NDArray tokenIds) {
                return model.logits(m, tokenIds);
            }

            @Override
            public int vocabSize() {
                return model.vocabSize();
            }

            @Override
            public ModelConfig config() {
                return model.config();
            }

            @Override
            public void close() {
            }
        };
    }

    private static WordTokenizer words() {
        String[] w = new String[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
            w[i] = "w" + i;
        }
        return new WordTokenizer(w);
    }

    private static String text(Random r, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(i == 0 ? "" : " ").append("w").append(r.nextInt(VOCAB));
        }
        return b.toString();
    }

    /** Prompts of 2-30 tokens; answers of 1-3 tokens, so some rows share one sequence and some need two. */
    private static List<ProbeItem> rows() {
        Random r = new Random(5);
        List<ProbeItem> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int genLength = i % 3 == 0 ? 1 + r.nextInt(3) : 1;
            int parLength = i % 4 == 0 ? 1 + r.nextInt(3) : 1;
            rows.add(new ProbeItem("q" + i, "f", "t", 0, 0, text(r, 2 + r.nextInt(29)), text(r, genLength),
                    text(r, parLength)));
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void selectedRowsScoreLikeFullLogits(String name, ModelConfig config) {
        List<ProbeItem> rows = rows();
        try (DecoderModel model = randomModel(config)) {
            for (boolean share : new boolean[] {true, false}) {
                ScoringOptions options = ScoringOptions.builder().batchSize(7).shareSingleTokenAnswers(share).build();
                List<ItemScore> selected = new TeacherForcedScorer(model, words(), manager, options)
                        .scoreRows(rows, p -> { });
                List<ItemScore> full = new TeacherForcedScorer(fullLogitsOnly(model), words(), manager, options)
                        .scoreRows(rows, p -> { });
                for (int i = 0; i < rows.size(); i++) {
                    String what = name + ", share " + share + ", row " + i;
                    assertClose(full.get(i).pGeneralizing(), selected.get(i).pGeneralizing(), what);
                    assertClose(full.get(i).pParrot(), selected.get(i).pParrot(), what);
                    assertEquals(full.get(i).generalizingTokens(), selected.get(i).generalizingTokens(), what);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void selectedRowsEqualTheFullLogitsRows(String name, ModelConfig config) {
        // two right-padded sequences (5 and 3 real tokens); rows in any order, with a repeat
        long[] ids = {3, 9, 1, 30, 2, 7, 7, 12, 0, 0};
        long[] picks = {9, 0, 4, 7, 2, 4};
        try (DecoderModel model = randomModel(config); NDManager m = manager.newSubManager()) {
            NDArray tokens = m.create(ids, new Shape(2, 5));
            float[] all = model.logits(m, tokens).toFloatArray();
            NDArray selected = model.logitsAt(m, tokens, picks);
            assertEquals(new Shape(picks.length, VOCAB), selected.getShape());
            assertEquals(DataType.FLOAT32, selected.getDataType());
            float[] got = selected.toFloatArray();
            for (int k = 0; k < picks.length; k++) {
                for (int v = 0; v < VOCAB; v++) {
                    float want = all[(int) picks[k] * VOCAB + v];
                    assertEquals(want, got[k * VOCAB + v], 1e-5 * Math.max(1, Math.abs(want)), name + " row " + picks[k]);
                }
            }
            assertArrayEquals(got, fullLogitsOnly(model).logitsAt(m, tokens, picks).toFloatArray(), 1e-5f);
            assertThrows(IllegalArgumentException.class, () -> model.logitsAt(m, tokens, new long[] {10}));
            assertThrows(IllegalArgumentException.class, () -> model.forward(m.create(ids, new Shape(2, 5)), 0,
                    m.create(picks)));
        }
    }

    private static void assertClose(double want, double got, String what) {
        assertTrue(Math.abs(want - got) <= 1e-5 * Math.max(1e-3, Math.abs(want)) + 1e-9,
                what + ": full logits " + want + ", selected rows " + got);
    }
}
