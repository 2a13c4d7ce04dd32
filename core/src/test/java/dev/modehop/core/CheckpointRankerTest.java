package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    @Test
    void aLeaderboardIsRepublishedWhenWhatItShowsChangesAndOnlyThen() {
        CheckpointRanker ranker = new CheckpointRanker(2);
        CheckpointRanker.State state = new CheckpointRanker.State();
        assertTrue(ranker.onCheckpoint(state, "r", 50, families(0.9)).isPresent(), "the first leaderboard");
        assertTrue(ranker.onCheckpoint(state, "r", 100, families(0.8)).isPresent(), "a second entry enters");
        assertTrue(ranker.onCheckpoint(state, "r", 150, families(0.1)).isEmpty(), "an entry below the board");
        assertTrue(ranker.onCheckpoint(state, "r", 200, families(0.85)).isPresent(), "an entry enters between");
        // a verdict on an entry outside the board changes nothing shown
        ranker.onVerdict(state, 150, "a", Verdict.STABLE);
        assertTrue(ranker.onCheckpoint(state, "r", 250, families(0.0)).isEmpty());
        // a verdict on a leader changes its weight and the explanation: republished
        ranker.onVerdict(state, 200, "b", Verdict.TRANSIENT);
        Optional<Output.CheckpointRanking> changed = ranker.onCheckpoint(state, "r", 300, families(0.0));
        assertTrue(changed.isPresent(), "a leader's weight changed");
        assertEquals(CheckpointRanker.fingerprint(changed.get().leaderboard()), state.publishedFingerprint,
                "the fingerprint kept is the published board's, computed without building it");
        assertEquals(List.of(50L, 200L), changed.get().leaderboard().stream().map(Output.RankedCheckpoint::step).toList());
    }

    @Test
    void aStateStoredWithItsLeaderboardComparesItOnceThenKeepsAFingerprint() {
        CheckpointRanker ranker = new CheckpointRanker(2);
        CheckpointRanker.State state = new CheckpointRanker.State();
        ranker.onCheckpoint(state, "r", 50, families(0.9));
        ranker.onCheckpoint(state, "r", 100, families(0.8));
        // as a state stored before fingerprints reads: the leaderboard itself, no fingerprint
        state.published = ranker.leaderboard(state);
        state.publishedFingerprint = null;
        assertTrue(ranker.onCheckpoint(state, "r", 150, families(0.1)).isEmpty(), "the stored leaderboard still holds");
        assertNull(state.published, "dropped once compared");
        assertEquals(CheckpointRanker.fingerprint(ranker.leaderboard(state)), state.publishedFingerprint);
        assertTrue(ranker.onCheckpoint(state, "r", 200, families(0.2)).isEmpty());

        CheckpointRanker.State old = new CheckpointRanker.State();
        ranker.onCheckpoint(old, "r", 50, families(0.9));
        ranker.onCheckpoint(old, "r", 100, families(0.8));
        old.published = List.of(new Output.RankedCheckpoint(7, 0.5));
        old.publishedFingerprint = null;
        assertTrue(ranker.onCheckpoint(old, "r", 150, families(0.1)).isPresent(), "a different stored one: published");
    }

    @Test
    void theFingerprintSeesEveryValueALeaderboardShows() {
        Output.FamilyContribution a = new Output.FamilyContribution("a", 0.5, 1.0, 0.25);
        List<Output.RankedCheckpoint> board = List.of(new Output.RankedCheckpoint(100, 0.5, List.of(a)));
        long base = CheckpointRanker.fingerprint(board);
        assertEquals(base, CheckpointRanker.fingerprint(List.of(new Output.RankedCheckpoint(100, 0.5,
                List.of(new Output.FamilyContribution("a", 0.5, 1.0, 0.25))))), "equal boards, equal fingerprints");
        List<List<Output.RankedCheckpoint>> others = List.of(
                List.of(new Output.RankedCheckpoint(101, 0.5, List.of(a))),
                List.of(new Output.RankedCheckpoint(100, 0.5000001, List.of(a))),
                List.of(new Output.RankedCheckpoint(100, 0.5, List.of(new Output.FamilyContribution("b", 0.5, 1.0, 0.25)))),
                List.of(new Output.RankedCheckpoint(100, 0.5, List.of(new Output.FamilyContribution("a", 0.4, 1.0, 0.25)))),
                List.of(new Output.RankedCheckpoint(100, 0.5, List.of(new Output.FamilyContribution("a", 0.5, 0.5, 0.25)))),
                List.of(new Output.RankedCheckpoint(100, 0.5, List.of(new Output.FamilyContribution("a", 0.5, 1.0, 0.2)))),
                List.of(new Output.RankedCheckpoint(100, 0.5, List.of(a, a))),
                List.of(new Output.RankedCheckpoint(100, 0.5, List.of(a)), new Output.RankedCheckpoint(100, 0.5, List.of(a))),
                List.of(new Output.RankedCheckpoint(100, 0.5, List.of(new Output.FamilyContribution("ab", 0.5, 1.0, 0.25)))),
                List.of());
        for (List<Output.RankedCheckpoint> other : others) {
            assertNotEquals(base, CheckpointRanker.fingerprint(other), other.toString());
        }
    }

    /** Families a and b, both held, with soft score {@code soft}. */
    private static Map<String, double[]> families(double soft) {
        return Map.of("a", new double[] {soft, CheckpointRanker.HELD}, "b", new double[] {soft, CheckpointRanker.HELD});
    }
}
