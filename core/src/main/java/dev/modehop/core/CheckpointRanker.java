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
        /**
         * A fingerprint of the leaderboard last published ({@link #fingerprint}), compared for changes; null before
         * the first. Stored instead of the leaderboard itself, which was half of what the ranking state weighed and
         * is rewritten with every checkpoint.
         */
        public Long publishedFingerprint;
        /**
         * The leaderboard last published, as states stored before {@link #publishedFingerprint} kept it: compared
         * once, at the next checkpoint, then dropped. Null otherwise.
         */
        public List<Output.RankedCheckpoint> published;
    }

    public static final class Entry {
        public long step;
        public TreeMap<String, Double> soft = new TreeMap<>();
        public TreeMap<String, Double> weight = new TreeMap<>();
        public double score;
        /** {@link #hash}, once computed for what the entry holds now (not stored: recomputed after a decode). */
        private transient long hash;
        private transient boolean hashed;

        /** The entry with its per-family explanation. */
        Output.RankedCheckpoint ranked() {
            double den = weightSum();
            List<Output.FamilyContribution> families = new ArrayList<>();
            for (Map.Entry<String, Double> e : soft.entrySet()) {
                double w = weight.getOrDefault(e.getKey(), UNSURE);
                families.add(new Output.FamilyContribution(e.getKey(), e.getValue(), w, contribution(w, e.getValue(), den)));
            }
            return new Output.RankedCheckpoint(step, score, List.copyOf(families));
        }

        private double weightSum() {
            double den = 0;
            for (String family : soft.keySet()) {
                den += weight.getOrDefault(family, UNSURE);
            }
            return den;
        }

        private static double contribution(double w, double softScore, double den) {
            return den == 0 ? Double.NaN : w * softScore / den;
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
            hashed = false;
        }

        /**
         * {@link #checkpointHash} of the checkpoint this entry shows on a leaderboard, computed once for each score
         * it takes (its families and weights change only through {@link #rescore}).
         */
        long hash() {
            if (!hashed) {
                double den = weightSum();
                long h = mixIn(mixIn(mixIn(CHECKPOINT_SEED, step), Double.doubleToLongBits(score)), soft.size());
                for (Map.Entry<String, Double> f : soft.entrySet()) {
                    double w = weight.getOrDefault(f.getKey(), UNSURE);
                    h = mixFamily(h, f.getKey(), f.getValue(), w, contribution(w, f.getValue(), den));
                }
                hash = h;
                hashed = true;
            }
            return hash;
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
        List<Entry> leaders = ranked.subList(0, Math.min(leaderboardSize, ranked.size()));
        // the fingerprint straight from the entries: the board itself is built only when it is published
        long fingerprint = fingerprintOf(leaders);
        boolean unchanged = state.published != null ? board(leaders).equals(state.published)
                : state.publishedFingerprint != null && state.publishedFingerprint == fingerprint;
        state.published = null;
        state.publishedFingerprint = fingerprint;
        if (unchanged) {
            return Optional.empty();
        }
        return Optional.of(new Output.CheckpointRanking(Ids.ranking(runId, asOfStep), runId, best.step, best.score,
                asOfStep, board(leaders)));
    }

    private static List<Output.RankedCheckpoint> board(List<Entry> leaders) {
        List<Output.RankedCheckpoint> board = new ArrayList<>(leaders.size());
        for (Entry e : leaders) {
            board.add(e.ranked());
        }
        return board;
    }

    /**
     * 64 bits of everything a leaderboard shows (steps, scores, families, their soft scores, weights and
     * contributions, in order): each checkpoint's values hashed on their own ({@link #checkpointHash}), the
     * checkpoints' hashes mixed in order, each value with a 64-bit finalizer. Two leaderboards that differ share a
     * fingerprint with a chance of about 2^-64, which would only leave one ranking unpublished until the next
     * change. Doubles count by their bits, as {@code equals} compares them. (A fingerprint stored by a build that
     * chained every value through one hash differs from this one: such a run publishes its leaderboard once more.)
     */
    static long fingerprint(List<Output.RankedCheckpoint> board) {
        long h = mixIn(FINGERPRINT_SEED, board.size());
        for (Output.RankedCheckpoint c : board) {
            h = mixIn(h, checkpointHash(c));
        }
        return h;
    }

    /** One checkpoint of a leaderboard: its step, score and families, in order. */
    static long checkpointHash(Output.RankedCheckpoint c) {
        long h = mixIn(mixIn(mixIn(CHECKPOINT_SEED, c.step()), Double.doubleToLongBits(c.score())), c.families().size());
        for (Output.FamilyContribution f : c.families()) {
            h = mixFamily(h, f.family(), f.softScore(), f.weight(), f.contribution());
        }
        return h;
    }

    /**
     * {@link #fingerprint} of the board these leaders make, without making it: each leader's hash is kept with it,
     * so a checkpoint costs one mix per leader, and the hashing of the one entry that is new or rescored.
     */
    static long fingerprintOf(List<Entry> leaders) {
        long h = mixIn(FINGERPRINT_SEED, leaders.size());
        for (Entry e : leaders) {
            h = mixIn(h, e.hash());
        }
        return h;
    }

    private static final long FINGERPRINT_SEED = 0x6d6f6465686f70L;
    private static final long CHECKPOINT_SEED = 0x72616e6b6564L;

    private static long mixFamily(long h, String family, double softScore, double weight, double contribution) {
        h = mixIn(h, text(family));
        h = mixIn(h, Double.doubleToLongBits(softScore));
        h = mixIn(h, Double.doubleToLongBits(weight));
        return mixIn(h, Double.doubleToLongBits(contribution));
    }

    /** The running hash {@code h} with {@code value} mixed in (the step of a 64-bit multiply-xorshift hash). */
    private static long mixIn(long h, long value) {
        long z = (h ^ value) * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A string's 64-bit FNV-1a hash over its chars, its length mixed in so that no two names run together. */
    private static long text(String s) {
        long h = 0xcbf29ce484222325L ^ s.length();
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    public List<Output.RankedCheckpoint> leaderboard(State state) {
        List<Entry> ranked = ranked(state);
        return board(ranked.subList(0, Math.min(leaderboardSize, ranked.size())));
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
