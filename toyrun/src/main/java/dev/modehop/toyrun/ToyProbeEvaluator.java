package dev.modehop.toyrun;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.modehop.scorer.model.CausalLanguageModel;
import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.toy.ToySuiteGenerator;
import dev.modehop.probes.toy.ToyVocabulary;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores the toy suite's families directly in Java, without the Kafka worker: for these single-token
 * answers the paper's teacher-forced rule reduces to the next-token distribution after the prompt, so
 * P(answer) = softmax(logits at the last prompt position)[answer]. Used by tests and by the run's own
 * progress line; the scorer worker computes the same numbers through its general path.
 */
public final class ToyProbeEvaluator {
    /** Hard accuracy (share with P(gen) > P(parrot)) and soft score (mean P(gen) - P(parrot)). */
    public record FamilyScore(String family, int items, double hardAccuracy, double softScore) {
    }

    private final List<ProbeItem> flipped = new ArrayList<>();
    private final List<ProbeItem> repetitive = new ArrayList<>();

    /** The shipped toy suite's items: {@code itemsPerFamily} per family, suite seed {@code seed}. */
    public ToyProbeEvaluator(ToyVocabulary vocab, long seed, int itemsPerFamily) {
        for (ProbeItem item : ToySuiteGenerator.generate(vocab, seed, itemsPerFamily, 1)) {
            (item.family().equals("flipped") ? flipped : repetitive).add(item);
        }
    }

    public FamilyScore flipped(CausalLanguageModel model) {
        return score("flipped", flipped, model);
    }

    public FamilyScore repetitive(CausalLanguageModel model) {
        return score("repetitive", repetitive, model);
    }

    private static FamilyScore score(String family, List<ProbeItem> items, CausalLanguageModel model) {
        int n = items.size();
        int len = ToyTask.LENGTH;
        long[] ids = new long[n * len];
        for (int i = 0; i < n; i++) {
            long[] p = ToyVocabulary.encode(items.get(i).prompt());
            System.arraycopy(p, 0, ids, i * len, len);
        }
        int vocab = model.vocabSize();
        double hard = 0;
        double soft = 0;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray logits = model.logits(m, m.create(ids, new Shape(n, len)));
            float[] probs = logits.get(":, " + (len - 1) + ", :").softmax(-1).toFloatArray();
            for (int i = 0; i < n; i++) {
                double gen = probs[i * vocab + ToyVocabulary.tokenId(items.get(i).generalizing())];
                double parrot = probs[i * vocab + ToyVocabulary.tokenId(items.get(i).parrot())];
                hard += gen > parrot ? 1 : 0;
                soft += gen - parrot;
            }
        }
        return new FamilyScore(family, n, hard / n, soft / n);
    }
}
