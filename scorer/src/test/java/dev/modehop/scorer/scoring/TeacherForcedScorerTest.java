package dev.modehop.scorer.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.modehop.probes.ProbeItem;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TeacherForcedScorerTest {
    // ids:                                    0    1    2    3      4
    private static final WordTokenizer WORDS = new WordTokenizer("a", "b", "c", "yes", "no");
    private static final float LN3 = (float) Math.log(3);
    private static final float LN5 = (float) Math.log(5);
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager(ai.djl.Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /**
     * After "b" the next-token weights are a:1 b:1 c:1 yes:3 no:1 (sum 7); after "no" they are 1,1,1,1,5 (sum 9);
     * after anything else uniform.
     */
    private static TableModel handModel() {
        float[][] table = new float[5][5];
        table[1] = new float[] {0, 0, 0, LN3, 0};
        table[4] = new float[] {0, 0, 0, 0, LN5};
        return TableModel.bigram(table);
    }

    private static ProbeItem item(String id, String prompt, String gen, String parrot) {
        return new ProbeItem(id, "flipped", "hand", 0, 0, prompt, gen, parrot);
    }

    private static TeacherForcedScorer scorer(TableModel model, ScoringOptions options) {
        return new TeacherForcedScorer(model, WORDS, manager, options);
    }

    @Test
    void handComputedItemScoresToExpectedHardAndSoft() {
        // P(gen) = P(yes | a b) = 3/7. P(parrot) = mean(P(no | a b), P(no | a b no)) = (1/7 + 5/9) / 2.
        ProbeItem item = item("hand-1", "a b", "yes", "no no");
        for (boolean share : new boolean[] {true, false}) {
            ItemScore s = scorer(handModel(), ScoringOptions.builder().shareSingleTokenAnswers(share).build())
                    .scoreRows(List.of(item), ProgressListener.NONE).get(0);
            double pGen = 3.0 / 7;
            double pParrot = (1.0 / 7 + 5.0 / 9) / 2;
            assertEquals(pGen, s.pGeneralizing(), 1e-6, "share=" + share);
            assertEquals(pParrot, s.pParrot(), 1e-6, "share=" + share);
            assertEquals(1, s.hard());
            assertEquals(pGen - pParrot, s.soft(), 1e-6);
            assertEquals(1, s.generalizingTokens());
            assertEquals(2, s.parrotTokens());
            assertFalse(s.boundaryMerged());
        }
    }

    @Test
    void parrotWinsWhenItsAnswerIsMoreLikely() {
        // P(gen = "no" | a b) = 1/7, P(parrot = "yes" | a b) = 3/7: hard 0, soft -2/7.
        ItemScore s = scorer(handModel(), ScoringOptions.defaults())
                .scoreRows(List.of(item("hand-2", "a b", "no", "yes")), ProgressListener.NONE).get(0);
        assertEquals(0, s.hard());
        assertEquals(-2.0 / 7, s.soft(), 1e-6);
    }

    @Test
    void tieCountsForTheParrot() {
        // After "c" all five tokens are equally likely.
        ItemScore s = scorer(handModel(), ScoringOptions.defaults())
                .scoreRows(List.of(item("tie", "a c", "yes", "no")), ProgressListener.NONE).get(0);
        assertEquals(0.2, s.pGeneralizing(), 1e-6);
        assertEquals(0, s.hard());
        assertEquals(0, s.soft(), 1e-9);
    }

    @Test
    void oneTokenAnswersShareOneSequence() {
        TableModel model = handModel();
        List<ProbeItem> rows = List.of(item("x1", "a b", "yes", "no"), item("x2", "b a b", "no", "yes"));
        TeacherForcedScorer s = scorer(model, ScoringOptions.builder().batchSize(1).build());
        List<ItemScore> shared = s.scoreRows(rows, ProgressListener.NONE);
        assertEquals(2, model.calls, "one forward row per item");
        TableModel separate = handModel();
        List<ItemScore> unshared = scorer(separate, ScoringOptions.builder().batchSize(1)
                .shareSingleTokenAnswers(false).build()).scoreRows(rows, ProgressListener.NONE);
        assertEquals(4, separate.calls);
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(unshared.get(i).pGeneralizing(), shared.get(i).pGeneralizing(), 1e-7);
            assertEquals(unshared.get(i).pParrot(), shared.get(i).pParrot(), 1e-7);
        }
    }

    /** Logits depend on the whole prefix, so a wrong offset, padding on the left or a mixed-up row would show. */
    private static TableModel prefixModel() {
        return TableModel.prefix(5, (ids, s) -> {
            long sum = 0;
            for (long id : ids) {
                sum += id * 7 + 3;
            }
            float[] l = new float[5];
            for (int v = 0; v < 5; v++) {
                l[v] = (float) Math.sin(sum * 0.37 + v * 1.3 + s * 0.11);
            }
            return l;
        });
    }

    @Test
    void batchingAndPaddingDoNotChangeScores() {
        List<ProbeItem> rows = new ArrayList<>();
        String[] prompts = {"a", "a b", "c c c c b", "b a", "a b c a b c a", "c"};
        String[][] answers = {{"yes", "no"}, {"yes no", "no"}, {"no yes yes", "yes"}, {"a", "b c"}, {"yes", "no no no"},
            {"b", "c"}};
        for (int i = 0; i < prompts.length; i++) {
            rows.add(item("p" + i, prompts[i], answers[i][0], answers[i][1]));
        }
        List<ItemScore> one = scorer(prefixModel(), ScoringOptions.builder().batchSize(1)
                .shareSingleTokenAnswers(false).build()).scoreRows(rows, ProgressListener.NONE);
        TableModel big = prefixModel();
        List<ItemScore> many = scorer(big, ScoringOptions.builder().batchSize(64).build())
                .scoreRows(rows, ProgressListener.NONE);
        assertEquals(1, big.calls, "everything in one batch");
        TableModel capped = prefixModel();
        List<ItemScore> tokenCapped = scorer(capped, ScoringOptions.builder().batchSize(64).maxBatchTokens(16).build())
                .scoreRows(rows, ProgressListener.NONE);
        assertTrue(capped.calls > 1, "the token budget splits batches");
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(rows.get(i), many.get(i).item(), "results keep row order");
            assertEquals(one.get(i).pGeneralizing(), many.get(i).pGeneralizing(), 1e-7);
            assertEquals(one.get(i).pParrot(), many.get(i).pParrot(), 1e-7);
            assertEquals(one.get(i).pParrot(), tokenCapped.get(i).pParrot(), 1e-7);
        }
        // Spot-check one value by hand from the model's definition: P("yes" | "a") for row p0.
        float[] l = new float[5];
        for (int v = 0; v < 5; v++) {
            l[v] = (float) Math.sin(3 * 0.37 + v * 1.3);
        }
        double z = 0;
        for (float x : l) {
            z += Math.exp(x);
        }
        assertEquals(Math.exp(l[3]) / z, one.get(0).pGeneralizing(), 1e-6);
    }

    @Test
    void progressReportsEveryItemAtTheEnd() {
        List<ScoringProgress> seen = new ArrayList<>();
        List<ProbeItem> rows = List.of(item("a1", "a b", "yes", "no"), item("a2", "a", "yes no", "no"));
        scorer(handModel(), ScoringOptions.builder().batchSize(1).progressInterval(java.time.Duration.ZERO).build())
                .scoreRows(rows, seen::add);
        assertFalse(seen.isEmpty());
        ScoringProgress last = seen.get(seen.size() - 1);
        assertEquals(2, last.itemsDone());
        assertEquals(2, last.itemsTotal());
        assertTrue(last.finished());
        assertTrue(last.tokens() > 0);
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i).itemsDone() >= seen.get(i - 1).itemsDone());
        }
        assertTrue(last.describe().contains("2/2 items"));
    }

    @Test
    void tooLongRowsAreRefusedNotCut() {
        // max 2 input tokens: "a b" + "yes" reads 2 (the last token is no input), "a b c" + "yes" reads 3
        List<ProbeItem> rows = List.of(item("short", "a b", "yes", "no"), item("long-one", "a b c", "yes", "no"),
                item("short-2", "b a", "no", "yes"));
        for (boolean sharing : new boolean[] {true, false}) {
            ScoringOptions options = ScoringOptions.builder().maxSequenceLength(2).prefixSharing(sharing)
                    .minSharedPrefix(1).build();
            List<ItemScore> scored = scorer(handModel(), options).scoreRows(rows, ProgressListener.NONE);
            assertEquals(List.of("short", "short-2"), scored.stream().map(r -> r.item().id()).toList());
            List<ItemScore> alone = scorer(handModel(), options).scoreRows(List.of(rows.get(0), rows.get(2)),
                    ProgressListener.NONE);
            for (int i = 0; i < 2; i++) {
                assertEquals(alone.get(i).pGeneralizing(), scored.get(i).pGeneralizing(), 1e-12);
                assertEquals(alone.get(i).pParrot(), scored.get(i).pParrot(), 1e-12);
            }
        }
        List<ScoringProgress> seen = new ArrayList<>();
        scorer(handModel(), ScoringOptions.builder().maxSequenceLength(2).build()).scoreRows(rows, seen::add);
        ScoringProgress last = seen.get(seen.size() - 1);
        assertEquals(2, last.itemsTotal(), "refused rows are not work to wait for");
        assertEquals(2, last.itemsDone());
    }

    /** A tokenizer like LLaMA's: every encoding starts with BOS (id 5); GDsuite counts its boundary without it. */
    private static final TextTokenizer WORDS_WITH_BOS = new TextTokenizer() {
        private final WordTokenizer words = new WordTokenizer("a", "b", "c", "yes", "no", "<s>");

        @Override
        public long[] encode(String text) {
            long[] bare = words.encode(text);
            long[] ids = new long[bare.length + 1];
            ids[0] = 5;
            System.arraycopy(bare, 0, ids, 1, bare.length);
            return ids;
        }

        @Override
        public long[] encodeWithoutSpecialTokens(String text) {
            return words.encode(text);
        }
    };

    @Test
    void gdsuiteBosReadsGdsuitesShiftedSpan() {
        // vocabulary of 6 (BOS = 5); after "b" the weights are a:1 b:1 c:1 yes:3 no:1 <s>:1 (sum 8), else uniform
        float[][] table = new float[6][6];
        table[1] = new float[] {0, 0, 0, LN3, 0, 0};
        ProbeItem row = item("bos", "a b", "yes", "no");
        for (boolean sharing : new boolean[] {true, false}) {
            ScoringOptions base = ScoringOptions.builder().prefixSharing(sharing).minSharedPrefix(1).build();
            // [<s> a b yes]: the answer span is "yes" alone
            ItemScore exact = new TeacherForcedScorer(TableModel.bigram(table), WORDS_WITH_BOS, manager, base)
                    .scoreRows(List.of(row), ProgressListener.NONE).get(0);
            assertEquals(3.0 / 8, exact.pGeneralizing(), 1e-6);
            assertEquals(1.0 / 8, exact.pParrot(), 1e-6);
            assertEquals(1, exact.generalizingTokens());
            // GDsuite: boundary = 2 tokens ("a b" without BOS), applied to [<s> a b yes]: the span is "b yes"
            ItemScore gd = new TeacherForcedScorer(TableModel.bigram(table), WORDS_WITH_BOS, manager,
                    base.toBuilder().gdsuiteBos(true).build()).scoreRows(List.of(row), ProgressListener.NONE).get(0);
            assertEquals((1.0 / 6 + 3.0 / 8) / 2, gd.pGeneralizing(), 1e-6, "sharing=" + sharing);
            assertEquals((1.0 / 6 + 1.0 / 8) / 2, gd.pParrot(), 1e-6, "sharing=" + sharing);
            assertEquals(Math.log(1.0 / 6) + Math.log(3.0 / 8), gd.logPGeneralizing(), 1e-6);
            assertEquals(2, gd.generalizingTokens());
            assertEquals(2, gd.parrotTokens());
        }
        // a tokenizer without special tokens: the option changes nothing
        ItemScore plain = scorer(handModel(), ScoringOptions.defaults()).scoreRows(List.of(item("p", "a b", "yes", "no no")),
                ProgressListener.NONE).get(0);
        ItemScore plainGd = scorer(handModel(), ScoringOptions.builder().gdsuiteBos(true).build())
                .scoreRows(List.of(item("p", "a b", "yes", "no no")), ProgressListener.NONE).get(0);
        assertEquals(plain, plainGd);
    }

    @Test
    void answerSpanFollowsGdsuitesRule() {
        // prompt {5, 7}; prompt + " " {5, 7, 8} (8 = a lone space token)
        AnswerSpan clean = AnswerSpan.of(new long[] {5, 7}, new long[] {5, 7, 8}, new long[] {5, 7, 3}, "i");
        assertEquals(2, clean.start());
        assertFalse(clean.boundaryMerged());
        // The space stayed a token of its own: it belongs to the prompt, the answer is what follows it.
        AnswerSpan space = AnswerSpan.of(new long[] {5, 7}, new long[] {5, 7, 8}, new long[] {5, 7, 8, 3}, "i");
        assertEquals(3, space.start());
        assertEquals(1, space.answerTokens());
        // The tokenizer turned the prompt's last token 7 plus the answer into 9, 3: the span is still the
        // tokens past the prompt's two, as GDsuite reads it.
        AnswerSpan merged = AnswerSpan.of(new long[] {5, 7}, new long[] {5, 7, 8}, new long[] {5, 9, 3}, "i");
        assertEquals(2, merged.start());
        assertEquals(1, merged.answerTokens());
        assertTrue(merged.boundaryMerged());
        // Nothing left past the prompt's count: the span starts where the encodings part.
        AnswerSpan swallowed = AnswerSpan.of(new long[] {5, 7}, new long[] {5, 7, 8}, new long[] {5, 9}, "i");
        assertEquals(1, swallowed.start());
        assertTrue(swallowed.boundaryMerged());
        assertThrows(IllegalArgumentException.class, () -> AnswerSpan.of(new long[] {}, new long[] {8}, new long[] {6, 3}, "i"));
        assertThrows(IllegalArgumentException.class,
                () -> AnswerSpan.of(new long[] {5, 7}, new long[] {5, 7, 8}, new long[] {5, 7}, "i"));
    }

    @Test
    void probabilityIsASoftmaxEntry() {
        float[] values = {9, 9, 1, 2, 3};
        // offset 2: row {1, 2, 3}
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertEquals(Math.exp(2) / z, TeacherForcedScorer.probability(values, 2, 3, 1), 1e-12);
    }
}
