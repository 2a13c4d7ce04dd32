package dev.modehop.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.LoadedCheckpoint;
import dev.modehop.scorer.model.ModelConfig;
import dev.modehop.scorer.model.ModelDevices;
import dev.modehop.scorer.model.RandomCheckpoints;
import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.probes.gdsuite.GdsuiteSuites;
import dev.modehop.scorer.scoring.HuggingFaceTextTokenizer;
import dev.modehop.scorer.scoring.ScoringOptions;
import dev.modehop.scorer.scoring.TeacherForcedScorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Teacher-forced scoring of a GDsuite tree with and without prefix sharing, side by side in one JVM on one
 * random-weight checkpoint per model shape (cost does not depend on the weights): per (family, task), forward
 * tokens, seconds and items/s of both paths on the same sampled rows, and the whole suite's forward tokens and
 * seconds per checkpoint projected from them.
 *
 * <p>The sample keeps GDsuite's grouping: per task, the first test questions on the first {@code --seeds} S
 * seeds, so every sampled (task, seed) group keeps its full demo prefix. Without sharing every row costs the
 * same, so the whole path runs on the first {@code --rows} R questions. With sharing a prefix is paid once per
 * group, so it is measured apart: the shared path runs on the first question of every sampled group and on the
 * first {@code --shared-rows} Q, and the difference gives the cost of one more row against a cached prefix. Per
 * task, with N the task's rows in the suite and G its (task, seed) groups in the suite:
 * <pre>
 *   whole:  N * t_whole(R) / (R S)
 *   shared: G * prefix + N * row,   row = max(0, t_shared(Q) - t_shared(1)) / ((Q - 1) S),
 *                                   prefix = max(0, t_shared(1) / S - row)
 * </pre>
 * and the same for forward tokens (exact where rows of a task have equal suffix lengths). Without sharing a
 * group's rows cost the same, so the whole path scales by rows alone.
 *
 * <p>Rows longer than the model's context ({@code max_position_embeddings}, or {@code --context N}) are what the
 * scorer refuses ({@code ContextOverflow}): a task with such a row in its sample is not measured and its rows are
 * counted as refused, not projected. (Scoring them anyway is not an option on CPU: full attention over the 5,900
 * tokens of a synthetic imdb prompt took the process to 18 GB.)
 *
 * <pre>
 * prefix-sharing --tree DIR --config FILE [--model pythia-70m[,pythia-160m]] [--device cpu|cuda]
 *                [--rows R] [--shared-rows Q] [--seeds S] [--batch B] [--families a,b] [--threads N] [--context N]
 * </pre>
 */
public final class PrefixSharingBenchmark {
    private PrefixSharingBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path tree = null;
        Path config = null;
        String models = "pythia-70m";
        String device = "cpu";
        int rows = 2;
        int sharedRows = 16;
        int seeds = 1;
        int batch = 16;
        int context = 0;
        Set<String> families = null;
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--tree" -> tree = Path.of(v);
                case "--config" -> config = Path.of(v);
                case "--model" -> models = v;
                case "--device" -> device = v;
                case "--rows" -> rows = Integer.parseInt(v);
                case "--shared-rows" -> sharedRows = Integer.parseInt(v);
                case "--seeds" -> seeds = Integer.parseInt(v);
                case "--batch" -> batch = Integer.parseInt(v);
                case "--context" -> context = Integer.parseInt(v);
                case "--families" -> families = Set.of(v.split(","));
                case "--threads" -> {
                    System.setProperty("ai.djl.pytorch.num_threads", v);
                    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (tree == null) {
            throw new IllegalArgumentException("--tree DIR (a GDsuite data tree) is required");
        }
        if (rows < 1 || sharedRows < 2) {
            throw new IllegalArgumentException("--rows must be >= 1 and --shared-rows >= 2 (the shared path is"
                    + " measured at 1 and Q rows)");
        }
        System.setProperty("DJL_OFFLINE", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        ProbeSuite suite = GdsuiteSuites.load("gdsuite:" + tree + (config == null ? "" : "?config=" + config));
        if (families != null) {
            suite = suite.restrictedTo(families);
        }
        List<Summary> summaries = new ArrayList<>();
        for (String model : models.split(",")) {
            summaries.add(run(model, suite, device, rows, sharedRows, seeds, batch, context));
            System.out.println();
        }
        System.out.println("## Whole suite per checkpoint, projected (s; min)");
        System.out.println();
        System.out.println("| model | suite rows scored | refused (over context) | forward tokens whole | forward tokens shared"
                + " | s whole | s shared | speed-up | load s |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Summary m : summaries) {
            System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %,.0f | %,.0f | %,.0f (%.0f min) | %,.0f (%.0f min) | %.2fx | %.1f |%n",
                    m.model, m.rows, m.refused, m.tokensWhole, m.tokensShared, m.secondsWhole, m.secondsWhole / 60,
                    m.secondsShared, m.secondsShared / 60, m.secondsWhole / m.secondsShared, m.load);
        }
    }

    /** The first {@code rows} questions of {@code task}'s rows on seeds below {@code seeds}, in suite order. */
    static List<ProbeItem> sample(List<ProbeItem> task, int rows, int seeds) {
        Set<String> taken = new HashSet<>();
        List<ProbeItem> out = new ArrayList<>();
        for (ProbeItem item : task) {
            if (item.seed() >= seeds) {
                continue;
            }
            if (taken.contains(item.id()) || taken.size() < rows) {
                taken.add(item.id());
                out.add(item);
            }
        }
        return out;
    }

    private record Measured(long tokens, double seconds) {
    }

    private record Summary(String model, long rows, long refused, double tokensWhole, double tokensShared, double secondsWhole,
                           double secondsShared, double load) {
    }

    private static Summary run(String modelName, ProbeSuite suite, String deviceName, int rows, int sharedRows,
                               int seeds, int batch, int context) throws IOException {
        ModelConfig config = RandomCheckpoints.shape(modelName);
        int limit = context > 0 ? context : config.maxPositions();
        List<String> texts = new ArrayList<>();
        for (ProbeItem i : suite.items()) {
            texts.add(i.prompt());
            texts.add(i.generalizing());
            texts.add(i.parrot());
        }
        Path dir = Files.createTempDirectory("modehop-bench-");
        try {
            RandomCheckpoints.write(dir, config, 1, 0.02, TensorDType.BF16,
                    RandomCheckpoints.wordLevelTokenizerJson(texts, config.vocabSize()));
            Device device = ModelDevices.device(deviceName);
            long t0 = System.nanoTime();
            try (LoadedCheckpoint ckpt = CheckpointLoader.load(dir, device, DataType.FLOAT32);
                 NDManager manager = NDManager.newBaseManager(device)) {
                double load = (System.nanoTime() - t0) / 1e9;
                HuggingFaceTextTokenizer tokenizer = new HuggingFaceTextTokenizer(ckpt.tokenizer());
                System.out.printf(Locale.ROOT, "## Prefix sharing: %s shape (%,d parameters), %s, %d cores; batch %d%n",
                        modelName, ckpt.decoder().weights().parameterCount(), device,
                        Runtime.getRuntime().availableProcessors(), batch);
                System.out.printf(Locale.ROOT, "suite: %s, %,d rows; sample: per task x %d seed(s), the first %d"
                        + " questions whole, the first 1 and %d shared; tokenizer: word-level over the tree's words;"
                        + " checkpoint loaded in %.2f s; load average at start %.1f%n%n", suite.name(),
                        suite.items().size(), seeds, rows, sharedRows, load,
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                ScoringOptions base = ScoringOptions.builder().batchSize(batch).maxSequenceLength(limit).build();
                // warm-up: lazy native initialization, both paths
                List<ProbeItem> warm = suite.items().subList(0, 2);
                score(ckpt, tokenizer, manager, warm, base.toBuilder().prefixSharing(false).build());
                score(ckpt, tokenizer, manager, warm, base);
                System.out.println("| family/task | rows whole | rows shared | longest input | over " + limit
                        + " | forward tokens whole | forward tokens shared | s whole | s shared (1 row) | s shared"
                        + " | items/s whole | items/s shared | suite rows | groups | projected tokens whole"
                        + " | projected tokens shared | projected s whole | projected s shared |");
                System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
                Map<String, double[]> byFamily = new LinkedHashMap<>();
                long refused = 0;
                for (Map.Entry<ProbeSuite.TaskKey, List<ProbeItem>> e : suite.byTask().entrySet()) {
                    List<ProbeItem> task = e.getValue();
                    List<ProbeItem> sampled = sample(task, rows, seeds);
                    List<ProbeItem> firsts = sample(task, 1, seeds);
                    List<ProbeItem> sharedSample = sample(task, sharedRows, seeds);
                    int sampledSeeds = (int) sharedSample.stream().mapToInt(ProbeItem::seed).distinct().count();
                    int perGroup = sharedSample.size() / sampledSeeds;
                    long groups = task.stream().mapToInt(ProbeItem::seed).distinct().count();
                    int[] lengths = lengths(tokenizer, sharedSample, limit);
                    if (lengths[1] > 0) {
                        System.out.printf(Locale.ROOT, "| %s | - | - | %,d | %d | refused: longer than the model's"
                                + " context | | | | | | %,d | | | | | |%n", e.getKey(), lengths[0], lengths[1], task.size());
                        refused += task.size();
                        continue;
                    }
                    Measured whole = score(ckpt, tokenizer, manager, sampled,
                            base.toBuilder().prefixSharing(false).build());
                    Measured one = score(ckpt, tokenizer, manager, firsts, base);
                    Measured shared = score(ckpt, tokenizer, manager, sharedSample, base);
                    double n = task.size();
                    double rowSeconds = Math.max(0, shared.seconds() - one.seconds()) / ((perGroup - 1.0) * sampledSeeds);
                    double prefixSeconds = Math.max(0, one.seconds() / sampledSeeds - rowSeconds);
                    double rowTokens = Math.max(0, shared.tokens() - one.tokens()) / ((perGroup - 1.0) * sampledSeeds);
                    double prefixTokens = Math.max(0, (double) one.tokens() / sampledSeeds - rowTokens);
                    double[] p = {
                        sampled.size(), whole.tokens(), shared.tokens(), whole.seconds(), shared.seconds(), n,
                        n * whole.tokens() / sampled.size(), groups * prefixTokens + n * rowTokens,
                        n * whole.seconds() / sampled.size(), groups * prefixSeconds + n * rowSeconds, 0};
                    System.out.printf(Locale.ROOT, "| %s | %d | %d | %,d | %d | %,d | %,d | %.2f | %.2f | %.2f | %.2f"
                                    + " | %.2f | %,d | %d | %,.0f | %,.0f | %,.0f | %,.0f |%n", e.getKey(), sampled.size(),
                            sharedSample.size(), lengths[0], lengths[1], whole.tokens(), shared.tokens(), whole.seconds(),
                            one.seconds(), shared.seconds(), sampled.size() / whole.seconds(),
                            sharedSample.size() / shared.seconds(), task.size(), groups, p[6], p[7], p[8], p[9]);
                    p[10] = sharedSample.size();
                    add(byFamily.computeIfAbsent(e.getKey().family(), k -> new double[11]), p);
                }
                System.out.println();
                System.out.println("| family | rows whole | rows shared | forward tokens whole | forward tokens shared"
                        + " | s whole | s shared | items/s whole | items/s shared | suite rows | projected tokens whole"
                        + " | projected tokens shared | projected s whole | projected s shared | projected speed-up |");
                System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
                double[] total = new double[11];
                for (Map.Entry<String, double[]> f : byFamily.entrySet()) {
                    familyRow(f.getKey(), f.getValue());
                    add(total, f.getValue());
                }
                familyRow("**all**", total);
                System.out.printf(Locale.ROOT, "%nwhole suite per checkpoint (projected, %,.0f rows scored, %,d refused"
                        + " as longer than %,d tokens): %,.0f s (%.1f min) whole, %,.0f s (%.1f min) shared, plus %.1f s"
                        + " load%n", total[5], refused, limit, total[8], total[8] / 60, total[9], total[9] / 60, load);
                return new Summary(modelName, (long) total[5], refused, total[6], total[7], total[8], total[9], load);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void add(double[] into, double[] p) {
        for (int i = 0; i < p.length; i++) {
            into[i] += p[i];
        }
    }

    private static void familyRow(String family, double[] p) {
        System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %,.0f | %.2f | %.2f | %.2f | %.2f | %,.0f | %,.0f"
                        + " | %,.0f | %,.0f | %,.0f | %.2fx |%n", family, p[0], p[10], p[1], p[2], p[3], p[4], p[0] / p[3],
                p[10] / p[4], p[5], p[6], p[7], p[8], p[9], p[8] / p[9]);
    }

    /** The longest input (prompt + " " + the longer answer, less its last token) and how many exceed {@code context}. */
    private static int[] lengths(HuggingFaceTextTokenizer tokenizer, List<ProbeItem> items, int context) {
        int longest = 0;
        int over = 0;
        for (ProbeItem i : items) {
            int n = Math.max(tokenizer.encode(i.prompt() + " " + i.generalizing()).length,
                    tokenizer.encode(i.prompt() + " " + i.parrot()).length) - 1;
            longest = Math.max(longest, n);
            over += n > context ? 1 : 0;
        }
        return new int[] {longest, over};
    }

    private static Measured score(LoadedCheckpoint ckpt, HuggingFaceTextTokenizer tokenizer, NDManager manager,
                                  List<ProbeItem> items, ScoringOptions options) {
        long[] tokens = {0};
        long t0 = System.nanoTime();
        new TeacherForcedScorer(ckpt.model(), tokenizer, manager, options).scoreRows(items, p -> tokens[0] = p.tokens());
        return new Measured(tokens[0], (System.nanoTime() - t0) / 1e9);
    }
}
