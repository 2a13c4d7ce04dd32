package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointRankerTest {
    @Test
    void theLeaderboardExplainsEachEntryByFamilyAndStabilityWeight() {
        CheckpointRanker ranker = new CheckpointRanker(3);
        CheckpointRanker.State state = new CheckpointRanker.State();
        ranker.onCheckpoint(state, "r", 50, Map.of("a", new double[] {0.8, CheckpointRanker.HELD},
                "b", new double[] {0.2, CheckpointRanker.UNSURE}));
        Output.CheckpointRanking ranking = ranker.onCheckpoint(state, "r", 100, Map.of(
                "a", new double[] {0.9, CheckpointRanker.HELD}, "b", new double[] {0.6, CheckpointRanker.HELD})).orElseThrow();
        Output.RankedCheckpoint best = ranking.leaderboard().get(0);
        assertEquals(100, best.step());
        assertEquals(2, best.families().size());
        double sum = best.families().stream().mapToDouble(Output.FamilyContribution::contribution).sum();
        assertEquals(best.score(), sum, 1e-12, "the contributions add up to the score");
        Output.RankedCheckpoint second = ranking.leaderboard().get(1);
        Output.FamilyContribution b = second.families().get(1);
        assertEquals("b", b.family());
        assertEquals(CheckpointRanker.UNSURE, b.weight());
        assertEquals(0.5 * 0.2 / 1.5, b.contribution(), 1e-12);

        // a TRANSIENT verdict on the hop at 100 lowers that family's weight, and the explanation says so
        ranker.onVerdict(state, 100, "b", Verdict.TRANSIENT);
        Output.RankedCheckpoint again = ranker.leaderboard(state).stream().filter(e -> e.step() == 100).findFirst()
                .orElseThrow();
        assertEquals(CheckpointRanker.TRANSIENT, again.families().get(1).weight());
    }
}
