package dev.modehop.scorer.scoring;

import dev.modehop.scorer.probe.ProbeItem;

/**
 * One row scored: P(answer) is the mean per-token probability of the answer's tokens given
 * {@code prompt + " "} (and the answer's earlier tokens).
 *
 * @param boundaryMerged true when the tokenizer merged the prompt/answer boundary for either candidate
 */
public record ItemScore(ProbeItem item, double pGeneralizing, double pParrot, int generalizingTokens,
                        int parrotTokens, boolean boundaryMerged) {

    /** 1 when the generalizing answer is strictly more likely; a tie counts for the parrot. */
    public int hard() {
        return pGeneralizing > pParrot ? 1 : 0;
    }

    public double soft() {
        return pGeneralizing - pParrot;
    }
}
