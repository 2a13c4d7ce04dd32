package dev.modehop.scorer.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.modehop.probes.ProbeItem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GDsuite's accounting on a model whose probabilities are worked out by hand: mean per-token probability of
 * the answer span (a multi-token answer, a space that stays its own token, merged boundaries), the summed
 * log-probability, strict {@code >}, and the per-task margin, log-probability margin, items and seeds.
 */
class GdsuiteAccountingTest {
    //                                          0    1    2    3      4       5    6        7
    private static final List<String> VOCAB = List.of("Q", ":", " ", " no", " yes", ")", ": yes", "A");
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager(ai.djl.Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Greedy longest match over {@link #VOCAB}: "Q: yes" becomes Q + ": yes", a merge across the boundary. */
    private static long[] encode(String text) {
        List<Long> ids = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int best = -1;
            for (int v = 0; v < VOCAB.size(); v++) {
                if (text.startsWith(VOCAB.get(v), i) && (best < 0 || VOCAB.get(v).length() > VOCAB.get(best).length())) {
                    best = v;
                }
            }
            if (best < 0) {
                throw new IllegalArgumentException("no token for " + text.substring(i));
            }
            ids.add((long) best);
            i += VOCAB.get(best).length();
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** Next-token weights after each token (probability = weight / row sum); rows not listed are uniform (1/8). */
    private static TableModel handModel() {
        float[][] w = new float[8][8];
        for (float[] row : w) {
            Arrays.fill(row, 1);
        }
        w[0] = new float[] {1, 1, 1, 1, 1, 1, 4, 1};   // after "Q": P(": yes") = 4/11
        w[1] = new float[] {1, 1, 2, 3, 1, 1, 1, 1};   // after ":": P(" ") = 2/11, P(" no") = 3/11
        w[2] = new float[] {1, 1, 1, 1, 1, 6, 1, 1};   // after " ": P(")") = 6/13
        w[3] = new float[] {1, 1, 1, 5, 1, 1, 1, 1};   // after " no": P(" no") = 5/12
        w[6] = new float[] {1, 1, 1, 2, 1, 1, 1, 1};   // after ": yes": P(" no") = 2/9
        float[][] logits = new float[8][8];
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) {
                logits[r][c] = (float) Math.log(w[r][c]);
            }
        }
        return TableModel.bigram(logits);
    }

    private static ProbeItem row(String id, int seed, String prompt, String gen, String parrot) {
        return new ProbeItem(id, "x", "t", seed, 0, prompt, gen, parrot);
    }

    private static final List<ProbeItem> ROWS = List.of(
            // multi-token generalizing answer; the parrot's "Q: yes" merges ":" and " yes" into one token
            row("x/t/0", 0, "Q:", "no no", "yes"),
            // "Q: )": the space stays a token, the prefix "Q: " is a prefix of the full tokens
            row("x/t/0", 1, "Q:", ")", "no"),
            // "Q: yes no" = Q, ": yes", " no": the span is the tokens past the prompt's two, " no" only
            row("x/t/1", 0, "Q:", "yes no", "no"),
            // a tie (uniform after "A") counts for the parrot
            row("x/t/1", 1, "A", "yes", "no"));

    @Test
    void perRowProbabilitiesAndLogProbabilitiesAreTheHandComputedOnes() {
        for (boolean share : new boolean[] {true, false}) {
            List<ItemScore> s = new TeacherForcedScorer(handModel(), GdsuiteAccountingTest::encode, manager,
                    ScoringOptions.builder().shareSingleTokenAnswers(share).build())
                    .scoreRows(ROWS, ProgressListener.NONE);
            String w = "share=" + share;
            // row 0: gen " no", " no" after ":" -> mean(3/11, 5/12); parrot merged: P(": yes" | Q) = 4/11
            assertEquals((3.0 / 11 + 5.0 / 12) / 2, s.get(0).pGeneralizing(), 1e-6, w);
            assertEquals(Math.log(3.0 / 11) + Math.log(5.0 / 12), s.get(0).logPGeneralizing(), 1e-5, w);
            assertEquals(2, s.get(0).generalizingTokens());
            assertEquals(4.0 / 11, s.get(0).pParrot(), 1e-6, w);
            assertEquals(Math.log(4.0 / 11), s.get(0).logPParrot(), 1e-5, w);
            assertTrue(s.get(0).boundaryMerged());
            assertEquals(0, s.get(0).hard());
            // row 1: gen ")" after the lone space token: 6/13 (not mean(2/11, 6/13)); parrot " no": 3/11
            assertEquals(6.0 / 13, s.get(1).pGeneralizing(), 1e-6, w);
            assertEquals(1, s.get(1).generalizingTokens());
            assertEquals(3.0 / 11, s.get(1).pParrot(), 1e-6, w);
            assertFalse(s.get(1).boundaryMerged());
            assertEquals(1, s.get(1).hard());
            // row 2: gen = P(" no" | ": yes") = 2/9, merged; parrot 3/11
            assertEquals(2.0 / 9, s.get(2).pGeneralizing(), 1e-6, w);
            assertTrue(s.get(2).boundaryMerged());
            assertEquals(3.0 / 11, s.get(2).pParrot(), 1e-6, w);
            assertEquals(0, s.get(2).hard());
            // row 3: 1/8 each, strict > loses the tie
            assertEquals(0.125, s.get(3).pGeneralizing(), 1e-6, w);
            assertEquals(0.125, s.get(3).pParrot(), 1e-6, w);
            assertEquals(0, s.get(3).hard());

            TaskScore t = ScoreAggregator.aggregate(s).get(0);
            assertEquals(2, t.items(), "distinct test rows");
            assertEquals(2, t.seedCount());
            assertEquals(4, t.rows());
            assertEquals(0.25, t.hardAccuracy(), 1e-12, "one of four (seed, row) pairs has P(correct) > P(incorrect)");
            double margin = ((3.0 / 11 + 5.0 / 12) / 2 - 4.0 / 11 + 6.0 / 13 - 3.0 / 11 + 2.0 / 9 - 3.0 / 11 + 0) / 4;
            assertEquals(margin, t.softScore(), 1e-6, "the probability margin averaged over pairs");
            double logMargin = (Math.log(3.0 / 11) + Math.log(5.0 / 12) - Math.log(4.0 / 11)
                    + Math.log(6.0 / 13) - Math.log(3.0 / 11) + Math.log(2.0 / 9) - Math.log(3.0 / 11) + 0) / 4;
            assertEquals(logMargin, t.logProbMargin(), 1e-5);
        }
    }
}
