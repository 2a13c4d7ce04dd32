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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Teacher-forced scoring of a GDsuite tree with and without prefix sharing, side by side in one JVM on one
 * random-weight checkpoint: per family, forward tokens, seconds and items/s of both paths on the same rows, and
 * the whole suite's seconds per checkpoint projected from each family's per-row time. The rows are a subset that
 * keeps GDsuite's grouping: the first {@code --rows} test questions of every task, on the first {@code --seeds}
 * seeds, so every (task, seed) group keeps its full demo prefix (a prefix shared by fewer rows than the real
 * group's, which makes the shared path's projection conservative).
 *
 * <pre>
 * prefix-sharing --tree DIR --config FILE [--model pythia-70m[,pythia-160m]] [--device cpu|cuda]
 *                [--rows R] [--seeds S] [--batch B] [--families a,b] [--threads N]
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
        int rows = 4;
        int seeds = 1;
        int batch = 16;
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
                case "--seeds" -> seeds = Integer.parseInt(v);
                case "--batch" -> batch = Integer.parseInt(v);
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
        System.setProperty("DJL_OFFLINE", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        ProbeSuite suite = GdsuiteSuites.load("gdsuite:" + tree + (config == null ? "" : "?config=" + config));
        if (families != null) {
            suite = suite.restrictedTo(families);
        }
        for (String model : models.split(",")) {
            run(model, suite, device, rows, seeds, batch);
            System.out.println();
        }
    }

    /** The first {@code rows} questions of every task on seeds below {@code seeds}, grouped by family. */
    static Map<String, List<ProbeItem>> subset(ProbeSuite suite, int rows, int seeds) {
        Map<String, Set<String>> ids = new HashMap<>();
        Map<String, List<ProbeItem>> byFamily = new LinkedHashMap<>();
        for (ProbeItem item : suite.items()) {
            if (item.seed() >= seeds) {
                continue;
            }
            Set<String> taken = ids.computeIfAbsent(item.family() + '/' + item.task(), k -> new HashSet<>());
            if (taken.contains(item.id()) || taken.size() < rows) {
                taken.add(item.id());
                byFamily.computeIfAbsent(item.family(), k -> new ArrayList<>()).add(item);
            }
        }
        return byFamily;
    }

    private record Measured(long tokens, double seconds) {
    }

    private static void run(String modelName, ProbeSuite suite, String deviceName, int rows, int seeds, int batch)
            throws IOException {
        ModelConfig config = RandomCheckpoints.shape(modelName);
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
                Map<String, List<ProbeItem>> subset = subset(suite, rows, seeds);
                Map<String, Long> fullRows = new LinkedHashMap<>();
                suite.items().forEach(i -> fullRows.merge(i.family(), 1L, Long::sum));
                System.out.printf(Locale.ROOT, "## Prefix sharing: %s shape (%,d parameters), %s, %d cores; batch %d%n",
                        modelName, ckpt.decoder().weights().parameterCount(), device,
                        Runtime.getRuntime().availableProcessors(), batch);
                System.out.printf(Locale.ROOT, "suite: %s, %,d rows; measured on the first %d questions of every task"
                        + " x %d seed(s); tokenizer: word-level over the tree's words; checkpoint loaded in %.2f s%n%n",
                        suite.name(), suite.items().size(), rows, seeds, load);
                // no length check: some synthetic prompts (imdb, k 24) run past 2048 positions, which rotary
                // embeddings compute like any other; the cost is what is measured here
                ScoringOptions base = ScoringOptions.defaults().withBatchSize(batch);
                // warm-up: lazy native initialization, both paths
                List<ProbeItem> warm = subset.values().iterator().next().subList(0, 2);
                score(ckpt, tokenizer, manager, warm, base.withPrefixSharing(false));
                score(ckpt, tokenizer, manager, warm, base);
                System.out.println("| family | rows | forward tokens whole | forward tokens shared | token ratio "
                        + "| s whole | s shared | items/s whole | items/s shared | speed-up | suite rows "
                        + "| projected s whole | projected s shared |");
                System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
                long n = 0;
                long tw = 0;
                long ts = 0;
                double sw = 0;
                double ss = 0;
                double pw = 0;
                double ps = 0;
                for (Map.Entry<String, List<ProbeItem>> e : subset.entrySet()) {
                    List<ProbeItem> items = e.getValue();
                    Measured whole = score(ckpt, tokenizer, manager, items, base.withPrefixSharing(false));
                    Measured shared = score(ckpt, tokenizer, manager, items, base);
                    long all = fullRows.get(e.getKey());
                    double projWhole = all * whole.seconds() / items.size();
                    double projShared = all * shared.seconds() / items.size();
                    row(e.getKey(), items.size(), whole, shared, all, projWhole, projShared);
                    n += items.size();
                    tw += whole.tokens();
                    ts += shared.tokens();
                    sw += whole.seconds();
                    ss += shared.seconds();
                    pw += projWhole;
                    ps += projShared;
                }
                row("**all**", n, new Measured(tw, sw), new Measured(ts, ss), suite.items().size(), pw, ps);
                System.out.printf(Locale.ROOT, "%nwhole suite per checkpoint (projected): %.0f s (%.1f min) whole, "
                        + "%.0f s (%.1f min) shared, plus %.1f s load%n", pw, pw / 60, ps, ps / 60, load);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void row(String family, long rows, Measured whole, Measured shared, long suiteRows,
                            double projWhole, double projShared) {
        System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %,d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2fx | %,d | %,.0f | %,.0f |%n",
                family, rows, whole.tokens(), shared.tokens(), (double) shared.tokens() / whole.tokens(),
                whole.seconds(), shared.seconds(), rows / whole.seconds(), rows / shared.seconds(),
                whole.seconds() / shared.seconds(), suiteRows, projWhole, projShared);
    }

    private static Measured score(LoadedCheckpoint ckpt, HuggingFaceTextTokenizer tokenizer, NDManager manager,
                                  List<ProbeItem> items, ScoringOptions options) {
        long[] tokens = {0};
        long t0 = System.nanoTime();
        new TeacherForcedScorer(ckpt.model(), tokenizer, manager, options).scoreRows(items, p -> tokens[0] = p.tokens());
        return new Measured(tokens[0], (System.nanoTime() - t0) / 1e9);
    }
}
