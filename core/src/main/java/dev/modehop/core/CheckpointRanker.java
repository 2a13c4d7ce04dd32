package dev.modehop.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Ranks a run's checkpoints by a weighted mean of their probe families' soft scores. A family's weight
 * says how much its mode at that checkpoint can be trusted: 1 for a held mode or a hop judged STABLE,
 * 0.5 while undecided or while a hop made there is pending, 0.25 for a hop judged TRANSIENT. A held MIXED
 * mode is as certain as a held pole: the weight says how much the measurement can be trusted, the soft
 * score (near 0 for MIXED) says how good it is.
 * The ranking is republished whenever its leaderboard changes (an entry enters or leaves it, or an entry's
 * score or a family's weight there changes), so the latest record of a run is always its current top entries,
 * each with its explanation (per family: soft score, weight, contribution).
 */
public final class CheckpointRanker {
    public static final double HELD = 1.0;
    public static final double UNSURE = 0.5;
    public static final double TRANSIENT = 0.25;
    /** Recent checkpoints kept besides the leaders, so that pending verdicts can still re-weight them. */
    static final int RECENT_KEPT = 8;

    private final int leaderboardSize;

    public CheckpointRanker(int leaderboardSize) {
        this.leaderboardSize = leaderboardSize;
    }

    /** Ranking state of one run. */
    public static final class State {
        public List<Entry> entries = new ArrayList<>();
        public long bestStep = -1;
        public double bestScore = Double.NaN;
        /** The leaderboard last published, as compared for changes; null before the first. */
        public List<Output.RankedCheckpoint> published;
    }

    public static final class Entry {
        public long step;
        public TreeMap<String, Double> soft = new TreeMap<>();
        public TreeMap<String, Double> weight = new TreeMap<>();
        public double score;

        /** The entry with its per-family explanation. */
        Output.RankedCheckpoint ranked() {
            double den = 0;
            for (String family : soft.keySet()) {
                den += weight.getOrDefault(family, UNSURE);
            }
            List<Output.FamilyContribution> families = new ArrayList<>();
            for (Map.Entry<String, Double> e : soft.entrySet()) {
                double w = weight.getOrDefault(e.getKey(), UNSURE);
                families.add(new Output.FamilyContribution(e.getKey(), e.getValue(), w,
                        den == 0 ? Double.NaN : w * e.getValue() / den));
            }
            return new Output.RankedCheckpoint(step, score, List.copyOf(families));
        }

        void rescore() {
            double num = 0;
            double den = 0;
            for (Map.Entry<String, Double> e : soft.entrySet()) {
                double w = weight.getOrDefault(e.getKey(), UNSURE);
                num += w * e.getValue();
                den += w;
            }
            score = den == 0 ? Double.NaN : num / den;
        }
    }

    /** Adds a processed checkpoint: family to (soft score, weight). */
    public Optional<Output.CheckpointRanking> onCheckpoint(State state, String runId, long step,
                                                           Map<String, double[]> families) {
        if (families.isEmpty()) {
            return Optional.empty();
        }
        Entry entry = new Entry();
        entry.step = step;
        for (Map.Entry<String, double[]> f : families.entrySet()) {
            entry.soft.put(f.getKey(), f.getValue()[0]);
            entry.weight.put(f.getKey(), f.getValue()[1]);
        }
        entry.rescore();
        state.entries.add(entry);
        prune(state);
        return publishIfChanged(state, runId, step);
    }

    /**
     * A verdict on a hop made at {@code hopStep} changes how much that checkpoint's family counts. Verdicts come
     * while a checkpoint is processed; the changed leaderboard is published once, by that checkpoint's
     * {@link #onCheckpoint}, so a checkpoint yields at most one ranking (its id names the checkpoint).
     */
    public void onVerdict(State state, long hopStep, String family, Verdict verdict) {
        for (Entry e : state.entries) {
            if (e.step == hopStep && e.soft.containsKey(family)) {
                e.weight.put(family, verdict == Verdict.STABLE ? HELD : TRANSIENT);
                e.rescore();
                return;
            }
        }
    }

    private Optional<Output.CheckpointRanking> publishIfChanged(State state, String runId, long asOfStep) {
        List<Entry> ranked = ranked(state);
        if (ranked.isEmpty()) {
            return Optional.empty();
        }
        Entry best = ranked.get(0);
        state.bestStep = best.step;
        state.bestScore = best.score;
        List<Output.RankedCheckpoint> board = new ArrayList<>();
        for (Entry e : ranked.subList(0, Math.min(leaderboardSize, ranked.size()))) {
            board.add(e.ranked());
        }
        if (board.equals(state.published)) {
            return Optional.empty();
        }
        state.published = board;
        return Optional.of(new Output.CheckpointRanking(Ids.ranking(runId, asOfStep), runId, best.step, best.score,
                asOfStep, board));
    }

    public List<Output.RankedCheckpoint> leaderboard(State state) {
        List<Output.RankedCheckpoint> board = new ArrayList<>();
        List<Entry> ranked = ranked(state);
        for (Entry e : ranked.subList(0, Math.min(leaderboardSize, ranked.size()))) {
            board.add(e.ranked());
        }
        return board;
    }

    private static List<Entry> ranked(State state) {
        List<Entry> ranked = new ArrayList<>();
        for (Entry e : state.entries) {
            if (!Double.isNaN(e.score)) {
                ranked.add(e);
            }
        }
        ranked.sort(Comparator.comparingDouble((Entry e) -> -e.score).thenComparingLong(e -> e.step));
        return ranked;
    }

    private void prune(State state) {
        if (state.entries.size() <= RECENT_KEPT + leaderboardSize) {
            return;
        }
        List<Entry> ranked = ranked(state);
        List<Entry> leaders = ranked.subList(0, Math.min(leaderboardSize, ranked.size()));
        long recentFrom = state.entries.get(state.entries.size() - RECENT_KEPT).step;
        state.entries.removeIf(e -> e.step < recentFrom && !leaders.contains(e));
    }
}
