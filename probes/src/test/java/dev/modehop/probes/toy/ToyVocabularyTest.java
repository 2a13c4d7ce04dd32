package dev.modehop.probes.toy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToyVocabularyTest {
    @Test
    void globalLabelsAreBalanced() {
        ToyVocabulary v = ToyVocabulary.standard();
        int[] counts = new int[ToyVocabulary.LABELS];
        for (int x = 0; x < ToyVocabulary.ITEMS; x++) {
            counts[v.globalLabel(x)]++;
        }
        for (int c : counts) {
            assertEquals(8, c);
        }
        for (int l = 0; l < ToyVocabulary.LABELS; l++) {
            for (int x : v.itemsWithLabel(l)) {
                assertEquals(l, v.globalLabel(x));
            }
        }
    }

    /** Pins g(x) so that a change to the RNG or the shuffle, which would silently break the toy run's probes, fails here. */
    @Test
    void globalLabelsArePinned() {
        int[] pinned = {3, 0, 6, 0, 4, 6, 0, 2, 2, 3, 7, 2, 5, 5, 7, 2, 7, 0, 6, 0, 7, 1, 7, 6, 6, 4, 5, 2, 4, 1, 4, 5,
            3, 3, 1, 0, 4, 7, 3, 1, 2, 4, 5, 2, 1, 3, 7, 1, 0, 4, 3, 7, 6, 1, 5, 5, 2, 0, 5, 4, 1, 6, 6, 3};
        ToyVocabulary v = ToyVocabulary.standard();
        for (int x = 0; x < ToyVocabulary.ITEMS; x++) {
            assertEquals(pinned[x], v.globalLabel(x), "g(x" + x + ")");
        }
    }

    @Test
    void idsAndTexts() {
        assertEquals(73, ToyVocabulary.VOCAB_SIZE);
        assertEquals(0, ToyVocabulary.tokenId("<bos>"));
        assertEquals(4, ToyVocabulary.tokenId("x3"));
        assertEquals(70, ToyVocabulary.tokenId("l5"));
        assertArrayEquals(new long[] {0, 4, 70, 4}, ToyVocabulary.encode("<bos> x3 l5 x3"));
        assertEquals("<bos> x3 l5 x3", ToyVocabulary.decode(new long[] {0, 4, 70, 4}));
        assertThrows(IllegalArgumentException.class, () -> ToyVocabulary.tokenId("x64"));
        assertThrows(IllegalArgumentException.class, () -> ToyVocabulary.tokenId("x03"));
    }

    @Test
    void tokenizerJsonEncodesLikeTheVocabulary() throws Exception {
        byte[] json = ToyVocabulary.tokenizerJson().getBytes(StandardCharsets.UTF_8);
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json),
                Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true"))) {
            String text = "<bos> x0 l0 x63 l7 x12";
            assertArrayEquals(ToyVocabulary.encode(text), t.encode(text).getIds());
            assertArrayEquals(ToyVocabulary.encode(text + " l3"), t.encode(text + " l3").getIds());
        }
    }

    @Test
    void splitMixIsTheReferenceGenerator() {
        // First output of SplitMix64 seeded with 0 (Vigna's reference implementation).
        assertEquals(0xE220A8397B1DCDAFL, new SplitMix64(0).nextLong());
    }
}
