package dev.modehop.toyrun;

import dev.modehop.probes.toy.ToyVocabulary;
import java.util.SplittableRandom;

/**
 * The toy task of TOYRUN.md over {@link ToyVocabulary} (shared with the {@code toy} probe suite, so the
 * memorized label g(x) is the same on both sides). A sequence is {@code <bos> x1 l1 ... x8 l8 xq} (18 tokens)
 * and the target is the label after xq.
 * <ul>
 *   <li>ICL: 8 distinct items with fresh random labels; xq is one of them; target = its in-context label.</li>
 *   <li>IWL, misleading half: looks like ICL (random labels) but xq's in-context label is wrong
 *       (not g(xq)); target = g(xq). This is what makes the two solutions compete.</li>
 *   <li>IWL, other half: xq absent from the context, the other items with their global labels;
 *       target = g(xq).</li>
 * </ul>
 */
public final class ToyTask {
    public static final String SOURCE_ICL = "icl";
    public static final String SOURCE_IWL = "iwl";
    public static final int PAIRS = ToyVocabulary.CONTEXT_PAIRS;
    public static final int LENGTH = 2 + 2 * PAIRS;

    private final ToyVocabulary vocab;

    public ToyTask(ToyVocabulary vocab) {
        this.vocab = vocab;
    }

    public ToyVocabulary vocabulary() {
        return vocab;
    }

    /** One batch: ids [batch * LENGTH] row-major and label targets as token ids; exactly round(pIcl * batch) ICL rows. */
    public Batch batch(SplittableRandom rng, int batch, double pIcl) {
        long[] ids = new long[batch * LENGTH];
        long[] targets = new long[batch];
        int icl = (int) Math.round(pIcl * batch);
        // which rows are ICL is itself random so position in the batch carries no signal
        boolean[] isIcl = new boolean[batch];
        for (int i = 0; i < icl; i++) {
            isIcl[i] = true;
        }
        for (int i = batch - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            boolean t = isIcl[i];
            isIcl[i] = isIcl[j];
            isIcl[j] = t;
        }
        for (int row = 0; row < batch; row++) {
            int label;
            if (isIcl[row]) {
                label = icl(rng, ids, row * LENGTH);
            } else if (rng.nextBoolean()) {
                label = misleading(rng, ids, row * LENGTH);
            } else {
                label = absent(rng, ids, row * LENGTH);
            }
            targets[row] = ToyVocabulary.labelId(label);
        }
        return new Batch(ids, targets, batch, icl);
    }

    private int icl(SplittableRandom rng, long[] ids, int off) {
        int[] items = distinctItems(rng, -1);
        int[] labels = new int[PAIRS];
        for (int p = 0; p < PAIRS; p++) {
            labels[p] = rng.nextInt(ToyVocabulary.LABELS);
        }
        int q = rng.nextInt(PAIRS);
        write(ids, off, items, labels, items[q]);
        return labels[q];
    }

    private int misleading(SplittableRandom rng, long[] ids, int off) {
        int[] items = distinctItems(rng, -1);
        int[] labels = new int[PAIRS];
        for (int p = 0; p < PAIRS; p++) {
            labels[p] = rng.nextInt(ToyVocabulary.LABELS);
        }
        int q = rng.nextInt(PAIRS);
        int g = vocab.globalLabel(items[q]);
        labels[q] = (g + 1 + rng.nextInt(ToyVocabulary.LABELS - 1)) % ToyVocabulary.LABELS;
        write(ids, off, items, labels, items[q]);
        return g;
    }

    private int absent(SplittableRandom rng, long[] ids, int off) {
        int query = rng.nextInt(ToyVocabulary.ITEMS);
        int[] items = distinctItems(rng, query);
        int[] labels = new int[PAIRS];
        for (int p = 0; p < PAIRS; p++) {
            labels[p] = vocab.globalLabel(items[p]);
        }
        write(ids, off, items, labels, query);
        return vocab.globalLabel(query);
    }

    /** PAIRS distinct items in random order, none equal to {@code excluded} (-1: no exclusion). */
    private static int[] distinctItems(SplittableRandom rng, int excluded) {
        int[] out = new int[PAIRS];
        int n = 0;
        while (n < PAIRS) {
            int x = rng.nextInt(ToyVocabulary.ITEMS);
            if (x == excluded) {
                continue;
            }
            boolean seen = false;
            for (int i = 0; i < n; i++) {
                seen |= out[i] == x;
            }
            if (!seen) {
                out[n++] = x;
            }
        }
        return out;
    }

    private static void write(long[] ids, int off, int[] items, int[] labels, int query) {
        ids[off] = ToyVocabulary.BOS_ID;
        for (int p = 0; p < PAIRS; p++) {
            ids[off + 1 + 2 * p] = ToyVocabulary.itemId(items[p]);
            ids[off + 2 + 2 * p] = ToyVocabulary.labelId(labels[p]);
        }
        ids[off + LENGTH - 1] = ToyVocabulary.itemId(query);
    }

    /** A batch of sequences; {@code iclRows} of them ICL. */
    public record Batch(long[] ids, long[] targets, int size, int iclRows) {
    }
}
