package dev.modehop.scorer.scoring;

import dev.modehop.probes.ProbeItem;

/**
 * One row scored: P(answer) is the mean per-token probability of the answer's tokens given
 * {@code prompt + " "} (and the answer's earlier tokens).
 *
 * @param boundaryMerged      true when the tokenizer merged the prompt/answer boundary for either candidate
 * @param logPGeneralizing    summed log-probability of the generalizing answer's tokens (GDsuite's {@code log_prob});
 *                            NaN when not computed
 * @param logPParrot          the same for the parrot answer
 */
public record ItemScore(ProbeItem item, double pGeneralizing, double pParrot, int generalizingTokens,
                        int parrotTokens, boolean boundaryMerged, double logPGeneralizing, double logPParrot) {

    public ItemScore(ProbeItem item, double pGeneralizing, double pParrot, int generalizingTokens, int parrotTokens,
                     boolean boundaryMerged) {
        this(item, pGeneralizing, pParrot, generalizingTokens, parrotTokens, boundaryMerged, Double.NaN, Double.NaN);
    }

    /** 1 when the generalizing answer is strictly more likely; a tie counts for the parrot. */
    public int hard() {
        return pGeneralizing > pParrot ? 1 : 0;
    }

    /** The probability margin, GDsuite's soft metric. */
    public double soft() {
        return pGeneralizing - pParrot;
    }

    /** Summed log-probability of the generalizing answer minus that of the parrot answer. */
    public double logProbMargin() {
        return logPGeneralizing - logPParrot;
    }
}
