package dev.modehop.scorer.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modehop.scorer.model.CausalLanguageModel;
import dev.modehop.scorer.model.DecoderModel;
import dev.modehop.scorer.model.KeyValueCache;
import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.ProbeSuite;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The paper's (GDsuite's) teacher-forced rule: for each candidate, {@code prompt + " " + answer} is fed once
 * and P(answer) is the mean per-token probability of the answer tokens (see {@link AnswerSpan} for which
 * tokens those are; the summed log-probability is kept too); hard = P(gen) > P(parrot), soft = P(gen) - P(parrot).
 *
 * <p>How it runs: every row is tokenized into at most two sequences (one when a candidate has a single
 * answer token, see {@link ScoringOptions#shareSingleTokenAnswers()}); a sequence is its full text minus the
 * last token, which no prediction needs. Sequences are sorted by length and cut into right-padded batches,
 * so both candidates of a row (same prompt, similar length) usually share a batch. Of each batch only the
 * positions that predict answer tokens go through the output head ({@link CausalLanguageModel#logitsAt}: a
 * sequence of ~180 tokens needs 1-3 of its [s, vocab] logits rows); their softmax is computed in double
 * precision. Each batch's arrays live in a sub-manager closed after the batch.
 *
 * <p>A row whose sequence (either candidate's) is longer than {@link ScoringOptions#maxSequenceLength()} is
 * refused before anything runs, the same way with and without prefix sharing: it is not scored and not cut,
 * and {@link SuiteScore#overflows()} counts it per task (see {@link ContextOverflow}).
 */
public final class TeacherForcedScorer {
    private final CausalLanguageModel model;
    private final TextTokenizer tokenizer;
    private final NDManager manager;
    private final ScoringOptions options;

    /**
     * @param manager where batch arrays are created (its device must be the model's); the scorer opens and
     *                closes sub-managers of it and never closes it
     */
    public TeacherForcedScorer(CausalLanguageModel model, TextTokenizer tokenizer, NDManager manager,
                               ScoringOptions options) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.manager = manager;
        this.options = options;
    }

    /**
     * Scores every row of {@code suite} that fits the model's context and aggregates per (family, task) in
     * manifest order.
     *
     * @throws IllegalArgumentException when no row of the suite fits (nothing could be scored)
     */
    public SuiteScore score(ProbeSuite suite, ProgressListener listener) {
        long t0 = System.nanoTime();
        Run run = run(suite.items(), listener);
        if (run.scores.isEmpty() && !suite.items().isEmpty()) {
            throw new IllegalArgumentException("no row of suite " + suite.name() + " fits the model's context of "
                    + options.maxSequenceLength() + " tokens: " + run.overflows.get(0).describe());
        }
        List<TaskScore> tasks = ScoreAggregator.aggregate(run.scores);
        return new SuiteScore(suite.name(), suite.version(), tasks, run.scores, run.sequences, run.tokens,
                (System.nanoTime() - t0) / 1e9, run.overflows);
    }

    /** Scores rows in order: one {@link ItemScore} per row that fits the model's context (the others are left out). */
    public List<ItemScore> scoreRows(List<ProbeItem> rows, ProgressListener listener) {
        return run(rows, listener).scores;
    }

    private static final class Readout {
        final int row;
        final boolean generalizing;
        final int start;
        final long[] full;
        double probabilitySum;
        double logProbabilitySum;

        Readout(int row, boolean generalizing, AnswerSpan span) {
            this.row = row;
            this.generalizing = generalizing;
            this.start = span.start();
            this.full = span.full();
        }

        int tokens() {
            return full.length - start;
        }
    }

    private record Sequence(long[] input, List<Readout> readouts) {
    }

    /** Sequences that run against one cached prefix of {@code prefix} tokens (a token-level prefix of each). */
    private record SharedGroup(int prefix, List<Sequence> sequences) {
    }

    private record Run(List<ItemScore> scores, long sequences, long tokens, List<ContextOverflow> overflows) {
    }

    /** Counts forward tokens and finished rows, and reports progress at most every interval. */
    private final class Progress {
        final ProgressListener listener;
        final int[] pending;
        final long t0 = System.nanoTime();
        final long intervalNanos;
        long lastReport = System.nanoTime();
        final int total;
        long tokens;
        int done;

        /** @param fits per row, whether it runs (a refused row never finishes and is not counted) */
        Progress(ProgressListener listener, boolean[] fits) {
            this.listener = listener;
            this.pending = new int[fits.length];
            for (int r = 0; r < fits.length; r++) {
                pending[r] = fits[r] ? 2 : 0;
            }
            this.total = (int) java.util.stream.IntStream.range(0, fits.length).filter(r -> fits[r]).count();
            this.intervalNanos = options.progressInterval() == null ? 0 : options.progressInterval().toNanos();
        }

        void finished(List<Sequence> batch, long forwardTokens, boolean last) {
            tokens += forwardTokens;
            for (Sequence s : batch) {
                for (Readout ro : s.readouts()) {
                    if (--pending[ro.row] == 0) {
                        done++;
                    }
                }
            }
            long now = System.nanoTime();
            if (last || now - lastReport >= intervalNanos) {
                lastReport = now;
                listener.onProgress(new ScoringProgress(done, total, tokens, (now - t0) / 1e9));
            }
        }
    }

    private Run run(List<ProbeItem> rows, ProgressListener listener) {
        List<Sequence> sequences = new ArrayList<>();
        Readout[][] readouts = new Readout[rows.size()][2];
        boolean[] merged = new boolean[rows.size()];
        boolean[] fits = new boolean[rows.size()];
        List<List<Sequence>> byGroup = new ArrayList<>();
        java.util.Map<String, List<Sequence>> groups = new java.util.LinkedHashMap<>();
        java.util.Map<String, int[]> overflow = new java.util.LinkedHashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            ProbeItem item = rows.get(r);
            int before = sequences.size();
            int longest = plan(r, item, sequences, readouts, merged);
            // per task: rows, refused rows, longest refused input
            int[] counts = overflow.computeIfAbsent(item.family() + '/' + item.task(), k -> new int[3]);
            counts[0]++;
            fits[r] = longest <= 0;
            if (!fits[r]) {
                counts[1]++;
                counts[2] = Math.max(counts[2], longest);
                continue;
            }
            groups.computeIfAbsent(item.family() + '\u0000' + item.task() + '\u0000' + item.seed(),
                    k -> new ArrayList<>()).addAll(sequences.subList(before, sequences.size()));
        }
        byGroup.addAll(groups.values());

        List<SharedGroup> shared = new ArrayList<>();
        List<Sequence> unshared = new ArrayList<>();
        if (options.prefixSharing() && model instanceof DecoderModel d && d.cachesPrefixes()) {
            for (List<Sequence> group : byGroup) {
                split(group, shared, unshared);
            }
        } else {
            unshared.addAll(sequences);
        }
        unshared.sort(Comparator.comparingInt((Sequence s) -> s.input().length).reversed());

        Progress progress = new Progress(listener, fits);
        int g = 0;
        for (SharedGroup group : shared) {
            runShared((DecoderModel) model, group, progress, ++g == shared.size() && unshared.isEmpty());
        }
        int i = 0;
        while (i < unshared.size()) {
            int longest = unshared.get(i).input().length;
            int end = i + 1;
            while (end < unshared.size() && end - i < options.batchSize()
                    && (long) (end - i + 1) * longest <= options.maxBatchTokens()) {
                end++;
            }
            List<Sequence> batch = unshared.subList(i, end);
            runBatch(batch, longest);
            progress.finished(batch, batch.stream().mapToLong(s -> s.input().length).sum(), end == unshared.size());
            i = end;
        }
        if (sequences.isEmpty()) {
            listener.onProgress(new ScoringProgress(0, 0, 0, (System.nanoTime() - progress.t0) / 1e9));
        }
        List<ItemScore> scores = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            if (!fits[r]) {
                continue;
            }
            Readout gen = readouts[r][0];
            Readout par = readouts[r][1];
            scores.add(new ItemScore(rows.get(r), gen.probabilitySum / gen.tokens(), par.probabilitySum / par.tokens(),
                    gen.tokens(), par.tokens(), merged[r], gen.logProbabilitySum, par.logProbabilitySum));
        }
        List<ContextOverflow> overflows = new ArrayList<>();
        for (java.util.Map.Entry<String, int[]> e : overflow.entrySet()) {
            int[] c = e.getValue();
            if (c[1] > 0) {
                int slash = e.getKey().indexOf('/');
                overflows.add(new ContextOverflow(e.getKey().substring(0, slash), e.getKey().substring(slash + 1),
                        c[1], c[0], c[2], options.maxSequenceLength()));
            }
        }
        return new Run(scores, sequences.size(), progress.tokens, overflows);
    }

    /**
     * A (family, task, seed) group shares its longest common token prefix when that is long enough (the demos of
     * {@code balanced} and {@code ordered}); otherwise each row's candidates share their prompt ({@code random});
     * what shares nothing useful runs as full sequences.
     */
    private void split(List<Sequence> group, List<SharedGroup> shared, List<Sequence> unshared) {
        int prefix = sharedPrefix(group);
        if (group.size() > 1 && prefix >= options.minSharedPrefix()) {
            shared.add(new SharedGroup(prefix, group));
            return;
        }
        java.util.Map<Integer, List<Sequence>> byRow = new java.util.LinkedHashMap<>();
        for (Sequence s : group) {
            byRow.computeIfAbsent(s.readouts().get(0).row, k -> new ArrayList<>()).add(s);
        }
        for (List<Sequence> row : byRow.values()) {
            int p = sharedPrefix(row);
            if (row.size() > 1 && p >= options.minSharedPrefix()) {
                shared.add(new SharedGroup(p, row));
            } else {
                unshared.addAll(row);
            }
        }
    }

    /**
     * The longest common token prefix of the group's inputs, cut so that every readout's first prediction (at
     * position start - 1) stays in its continuation: the cache holds only positions no readout needs.
     */
    private static int sharedPrefix(List<Sequence> group) {
        long[] first = group.get(0).input();
        int n = first.length;
        for (Sequence s : group) {
            long[] in = s.input();
            int max = Math.min(n, in.length);
            int k = 0;
            while (k < max && in[k] == first[k]) {
                k++;
            }
            n = k;
            for (Readout ro : s.readouts()) {
                n = Math.min(n, ro.start - 1);
            }
        }
        return Math.max(n, 0);
    }

    /** One prefill of the group's prefix, then its suffixes in batches against it; the cache closes with the group. */
    private void runShared(DecoderModel decoder, SharedGroup group, Progress progress, boolean last) {
        int p = group.prefix();
        List<Sequence> seqs = new ArrayList<>(group.sequences());
        seqs.sort(Comparator.comparingInt((Sequence s) -> s.input().length).reversed());
        try (NDManager scope = manager.newSubManager();
             KeyValueCache cache = decoder.prefill(scope,
                     scope.create(java.util.Arrays.copyOf(seqs.get(0).input(), p), new Shape(1, p)))) {
            long forward = p;
            int i = 0;
            while (i < seqs.size()) {
                int longest = seqs.get(i).input().length - p;
                int end = i + 1;
                while (end < seqs.size() && end - i < options.batchSize()
                        && (long) (end - i + 1) * longest <= options.maxBatchTokens()) {
                    end++;
                }
                List<Sequence> batch = seqs.subList(i, end);
                forward += runSuffixes(decoder, batch, p, longest, cache, scope);
                progress.finished(batch, forward, last && end == seqs.size());
                forward = 0;
                i = end;
            }
        }
    }

    private long runSuffixes(DecoderModel decoder, List<Sequence> batch, int prefix, int length, KeyValueCache cache,
                             NDManager parent) {
        int b = batch.size();
        long[] ids = new long[b * length];
        List<Long> rowIndex = new ArrayList<>();
        long tokens = 0;
        for (int s = 0; s < b; s++) {
            long[] input = batch.get(s).input();
            System.arraycopy(input, prefix, ids, s * length, input.length - prefix);
            tokens += input.length - prefix;
            for (Readout ro : batch.get(s).readouts()) {
                for (int t = ro.start; t < ro.full.length; t++) {
                    rowIndex.add((long) s * length + (t - 1 - prefix));
                }
            }
        }
        try (NDManager sub = parent.newSubManager()) {
            NDArray tokenIds = sub.create(ids, new Shape(b, length));
            long[] index = rowIndex.stream().mapToLong(Long::longValue).toArray();
            read(batch, decoder.logitsAt(sub, tokenIds, index, cache), index.length, tokenIds);
        }
        return tokens;
    }

    /**
     * Tokenizes one row into its sequences; adds nothing and returns the longest input's token count when
     * that exceeds the model's context, else 0.
     */
    private int plan(int r, ProbeItem item, List<Sequence> sequences, Readout[][] readouts, boolean[] merged) {
        AnswerSpan gen = span(item, item.generalizing());
        AnswerSpan par = span(item, item.parrot());
        int longest = Math.max(gen.input().length, par.input().length);
        if (options.maxSequenceLength() > 0 && longest > options.maxSequenceLength()) {
            return longest;
        }
        merged[r] = gen.boundaryMerged() || par.boundaryMerged();
        Readout g = new Readout(r, true, gen);
        Readout p = new Readout(r, false, par);
        readouts[r][0] = g;
        readouts[r][1] = p;
        boolean share = options.shareSingleTokenAnswers() && gen.samePrefix(par)
                && (gen.answerTokens() == 1 || par.answerTokens() == 1);
        if (share) {
            // The longer candidate's sequence carries the one-token candidate's readout at position start - 1.
            AnswerSpan carrier = gen.answerTokens() >= par.answerTokens() ? gen : par;
            sequences.add(new Sequence(carrier.input(), List.of(g, p)));
        } else {
            sequences.add(new Sequence(gen.input(), List.of(g)));
            sequences.add(new Sequence(par.input(), List.of(p)));
        }
        return 0;
    }

    private AnswerSpan span(ProbeItem item, String answer) {
        String full = item.prompt() + " " + answer;
        if (!options.gdsuiteBos()) {
            return AnswerSpan.of(tokenizer.encode(item.prompt()), tokenizer.encode(item.prompt() + " "),
                    tokenizer.encode(full), item.id());
        }
        return AnswerSpan.gdsuite(tokenizer.encodeWithoutSpecialTokens(item.prompt()),
                tokenizer.encodeWithoutSpecialTokens(item.prompt() + " "), tokenizer.encodeWithoutSpecialTokens(full),
                tokenizer.encode(full), item.id());
    }

    private void runBatch(List<Sequence> batch, int length) {
        int b = batch.size();
        long[] ids = new long[b * length];
        List<Long> rowIndex = new ArrayList<>();
        for (int s = 0; s < b; s++) {
            long[] input = batch.get(s).input();
            System.arraycopy(input, 0, ids, s * length, input.length);
            for (Readout ro : batch.get(s).readouts()) {
                for (int t = ro.start; t < ro.full.length; t++) {
                    rowIndex.add((long) s * length + (t - 1));
                }
            }
        }
        try (NDManager sub = manager.newSubManager()) {
            NDArray tokenIds = sub.create(ids, new Shape(b, length));
            long[] index = rowIndex.stream().mapToLong(Long::longValue).toArray();
            read(batch, model.logitsAt(sub, tokenIds, index), index.length, tokenIds);
        }
    }

    /** Adds each readout's answer-token probabilities from {@code rows}, the logits rows in readout order. */
    private static void read(List<Sequence> batch, NDArray rows, int count, NDArray tokenIds) {
        Shape shape = rows.getShape();
        if (shape.dimension() != 2 || shape.get(0) != count) {
            throw new IllegalStateException("model returned logits of shape " + shape + " for " + count
                    + " rows of input " + tokenIds.getShape());
        }
        int vocab = (int) shape.get(1);
        if (rows.getDataType() != DataType.FLOAT32) {
            rows = rows.toType(DataType.FLOAT32, false);
        }
        float[] values = rows.toFloatArray();
        int k = 0;
        for (Sequence seq : batch) {
            for (Readout ro : seq.readouts()) {
                for (int t = ro.start; t < ro.full.length; t++) {
                    long target = ro.full[t];
                    if (target < 0 || target >= vocab) {
                        throw new IllegalArgumentException("token id " + target + " outside the model's vocabulary of " + vocab);
                    }
                    double logP = logProbability(values, k * vocab, vocab, (int) target);
                    ro.logProbabilitySum += logP;
                    ro.probabilitySum += Math.exp(logP);
                    k++;
                }
            }
        }
    }

    /** softmax(row)[target] for {@code row = values[offset, offset + vocab)}, in double precision. */
    static double probability(float[] values, int offset, int vocab, int target) {
        return Math.exp(logProbability(values, offset, vocab, target));
    }

    /** log softmax(row)[target], in double precision (exact for probabilities far below double's range). */
    static double logProbability(float[] values, int offset, int vocab, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            max = Math.max(max, values[offset + v]);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            sum += Math.exp(values[offset + v] - max);
        }
        return values[offset + target] - max - Math.log(sum);
    }
}
