package dev.modehop.probes.toy;

import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.SuiteGenerator;
import dev.modehop.probes.SuiteSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code toy} suite over {@link ToyVocabulary}: prompts {@code <bos> x l x l ... x l xq} (8 pairs, then
 * the query), answers one label token.
 * <ul>
 *   <li>{@code flipped}: xq is one of the context items and its in-context label contradicts g(xq); the
 *       other context labels are uniform. generalizing = the in-context label, parrot = g(xq).</li>
 *   <li>{@code repetitive}: all 8 context labels equal L, xq is absent from the context and g(xq) != L.
 *       generalizing = g(xq), parrot = L.</li>
 * </ul>
 * Params: {@code itemsPerFamily} (default 512), {@code seeds} (default 1: the toy items are independent
 * draws, so each is its own question), {@code vocabularySeed} (default {@link ToyVocabulary#DEFAULT_SEED}).
 * Task name {@code k8}.
 */
public final class ToySuiteGenerator implements SuiteGenerator {
    public static final String KEY = "toy";
    public static final String TASK = "k8";

    @Override
    public List<ProbeItem> generate(SuiteSpec spec) {
        int perFamily = spec.intParam("itemsPerFamily", 512);
        int seeds = spec.intParam("seeds", 1);
        long vocabSeed = spec.params().path("vocabularySeed").asLong(ToyVocabulary.DEFAULT_SEED);
        return generate(ToyVocabulary.withSeed(vocabSeed), spec.seed(), perFamily, seeds);
    }

    public static List<ProbeItem> generate(ToyVocabulary vocab, long seed, int perFamily, int seeds) {
        List<ProbeItem> items = new ArrayList<>(2 * perFamily * seeds);
        int k = ToyVocabulary.CONTEXT_PAIRS;
        for (int i = 0; i < perFamily; i++) {
            // The question (query, in-context label) comes from the item's own stream; seeds resample the rest.
            SplitMix64 question = new SplitMix64(mix(seed, 1, i, -1));
            int xq = question.nextInt(ToyVocabulary.ITEMS);
            int g = vocab.globalLabel(xq);
            int flippedLabel = (g + 1 + question.nextInt(ToyVocabulary.LABELS - 1)) % ToyVocabulary.LABELS;
            for (int s = 0; s < seeds; s++) {
                SplitMix64 rng = new SplitMix64(mix(seed, 1, i, s));
                int[] others = sampleExcluding(rng, xq, k - 1);
                int queryPos = rng.nextInt(k);
                int[] ctxItems = new int[k];
                int[] ctxLabels = new int[k];
                for (int p = 0, o = 0; p < k; p++) {
                    if (p == queryPos) {
                        ctxItems[p] = xq;
                        ctxLabels[p] = flippedLabel;
                    } else {
                        ctxItems[p] = others[o++];
                        ctxLabels[p] = rng.nextInt(ToyVocabulary.LABELS);
                    }
                }
                items.add(new ProbeItem(String.format("flipped-%04d", i), "flipped", TASK, s, k,
                        prompt(ctxItems, ctxLabels, xq), ToyVocabulary.labelToken(flippedLabel),
                        ToyVocabulary.labelToken(g)));
            }
        }
        for (int i = 0; i < perFamily; i++) {
            SplitMix64 question = new SplitMix64(mix(seed, 2, i, -1));
            int xq = question.nextInt(ToyVocabulary.ITEMS);
            int g = vocab.globalLabel(xq);
            int repeated = (g + 1 + question.nextInt(ToyVocabulary.LABELS - 1)) % ToyVocabulary.LABELS;
            for (int s = 0; s < seeds; s++) {
                SplitMix64 rng = new SplitMix64(mix(seed, 2, i, s));
                int[] ctxItems = sampleExcluding(rng, xq, k);
                int[] ctxLabels = new int[k];
                java.util.Arrays.fill(ctxLabels, repeated);
                items.add(new ProbeItem(String.format("repetitive-%04d", i), "repetitive", TASK, s, k,
                        prompt(ctxItems, ctxLabels, xq), ToyVocabulary.labelToken(g),
                        ToyVocabulary.labelToken(repeated)));
            }
        }
        return items;
    }

    /** {@code count} distinct items, none equal to {@code excluded}, in random order. */
    private static int[] sampleExcluding(SplitMix64 rng, int excluded, int count) {
        int[] picks = rng.sampleDistinct(ToyVocabulary.ITEMS - 1, count);
        for (int j = 0; j < picks.length; j++) {
            if (picks[j] >= excluded) {
                picks[j]++;
            }
        }
        return picks;
    }

    private static String prompt(int[] items, int[] labels, int query) {
        StringBuilder sb = new StringBuilder(ToyVocabulary.BOS);
        for (int p = 0; p < items.length; p++) {
            sb.append(' ').append(ToyVocabulary.itemToken(items[p])).append(' ').append(ToyVocabulary.labelToken(labels[p]));
        }
        return sb.append(' ').append(ToyVocabulary.itemToken(query)).toString();
    }

    private static long mix(long seed, int family, int item, int s) {
        SplitMix64 m = new SplitMix64(seed ^ (0x632BE59BD9B4E019L * family));
        long a = m.nextLong() ^ (item * 0x9E3779B97F4A7C15L);
        return new SplitMix64(a).nextLong() ^ ((s + 1L) * 0xD1B54A32D192ED03L);
    }
}
