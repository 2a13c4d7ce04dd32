package dev.modehop.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.cuda.CudaUtils;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.LoadedCheckpoint;
import dev.modehop.scorer.model.ModelConfig;
import dev.modehop.scorer.model.ModelDevices;
import dev.modehop.scorer.model.RandomCheckpoints;
import dev.modehop.scorer.predictors.GeneralizationPredictors;
import dev.modehop.scorer.predictors.PredictorSettings;
import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.probes.toy.ToyVocabulary;
import dev.modehop.scorer.scoring.HuggingFaceTextTokenizer;
import dev.modehop.scorer.scoring.ProgressListener;
import dev.modehop.scorer.scoring.ScoringOptions;
import dev.modehop.scorer.scoring.SuiteScore;
import dev.modehop.scorer.scoring.TeacherForcedScorer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Scoring throughput of one worker: a random-weight HF-style checkpoint of a given shape is written to a temp
 * folder, loaded as the worker loads it, and a probe suite is scored through {@link TeacherForcedScorer} for each
 * batch size. Prints items/s, tokens/s, seconds per (sampled and full) suite, and peak memory (JVM heap and
 * process RSS; DJL/PyTorch tensors live outside the heap, so RSS is the figure that bounds a worker), then the
 * cost of the generalization predictors. Several comma-separated models run one after another in the same JVM,
 * so a new architecture's rows sit next to a baseline's from the same run. Numbers are printed, never asserted.
 *
 * <pre>
 * scoring [--model toy|pythia-70m|pythia-160m|olmo2-100m|qwen3-100m[,...]] [--batches 1,4,16,64]
 *         [--device cpu|cuda] [--items N]
 *         [--storage bf16|f32] [--max-batch-tokens N] [--threads N] [--tokenizer tokenizer.json] [--repeats R]
 *         [--predictors on|off]
 * </pre>
 */
public final class ScoringBenchmark {
    private ScoringBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        String modelName = "toy";
        int[] batches = {1, 4, 16, 64};
        String device = "cpu";
        int items = 0;
        TensorDType storage = TensorDType.BF16;
        int maxBatchTokens = ScoringOptions.defaults().maxBatchTokens();
        Path tokenizerFile = null;
        int repeats = 0;
        boolean predictors = true;
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--model" -> modelName = v;
                case "--batches" -> batches = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--device" -> device = v;
                case "--items" -> items = Integer.parseInt(v);
                case "--storage" -> storage = TensorDType.valueOf(v.toUpperCase(Locale.ROOT));
                case "--max-batch-tokens" -> maxBatchTokens = Integer.parseInt(v);
                case "--threads" -> {
                    System.setProperty("ai.djl.pytorch.num_threads", v);
                    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
                }
                case "--tokenizer" -> tokenizerFile = Path.of(v);
                case "--repeats" -> repeats = Integer.parseInt(v);
                case "--predictors" -> predictors = !v.equals("off");
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        // nothing may be downloaded: the CPU natives ship in a jar, a GPU run points PYTORCH_LIBRARY_PATH at libtorch
        System.setProperty("DJL_OFFLINE", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        if (repeats < 1) {
            repeats = modelName.equals("toy") ? 3 : 1;
        }
        for (String model : modelName.split(",")) {
            run(model, batches, device, items, storage, maxBatchTokens, tokenizerFile, repeats, predictors);
            System.out.println();
        }
    }

    private static void run(String modelName, int[] batches, String deviceName, int items, TensorDType storage,
                            int maxBatchTokens, Path tokenizerFile, int repeats, boolean predictors)
            throws IOException {
        ModelConfig config = RandomCheckpoints.shape(modelName);
        boolean toy = modelName.equals("toy");
        ProbeSuite full = ProbeSuite.load(toy ? "toy" : "starter-en");
        ProbeSuite suite = items > 0 ? full.sampled(items) : full;
        String tokenizerJson;
        String tokenizerNote;
        if (toy) {
            tokenizerJson = ToyVocabulary.tokenizerJson();
            tokenizerNote = "toy vocabulary (WordLevel)";
        } else if (tokenizerFile != null) {
            tokenizerJson = Files.readString(tokenizerFile);
            tokenizerNote = tokenizerFile.toString();
        } else {
            List<String> texts = new ArrayList<>();
            for (ProbeItem i : full.items()) {
                texts.add(i.prompt());
                texts.add(i.generalizing());
                texts.add(i.parrot());
            }
            tokenizerJson = RandomCheckpoints.wordLevelTokenizerJson(texts, config.vocabSize());
            tokenizerNote = "word-level over the suite's own words (no BPE tokenizer offline; about one token per word)";
        }
        Path dir = Files.createTempDirectory("modehop-bench-");
        try {
            long t0 = System.nanoTime();
            RandomCheckpoints.write(dir, config, 1, 0.02, storage, tokenizerJson);
            double writeSeconds = (System.nanoTime() - t0) / 1e9;
            Device device = ModelDevices.device(deviceName);
            t0 = System.nanoTime();
            try (LoadedCheckpoint ckpt = CheckpointLoader.load(dir, device, DataType.FLOAT32);
                 NDManager manager = NDManager.newBaseManager(device)) {
                double loadSeconds = (System.nanoTime() - t0) / 1e9;
                HuggingFaceTextTokenizer tokenizer = new HuggingFaceTextTokenizer(ckpt.tokenizer());
                System.out.printf(Locale.ROOT, "## Scoring: %s shape (%s, %,d parameters), %s, %s%n", modelName,
                        config.architecture(), ckpt.decoder().weights().parameterCount(), device, threads());
                System.out.printf(Locale.ROOT, "checkpoint: %s safetensors %.1f MB, written in %.1f s, loaded in %.2f s; "
                                + "tokenizer: %s%n", storage, Files.size(dir.resolve("model.safetensors")) / 1e6,
                        writeSeconds, loadSeconds, tokenizerNote);
                System.out.printf(Locale.ROOT, "suite: %s %s, %d of %d rows; max batch tokens %d; best of %d%n%n",
                        full.name(), full.version(), suite.items().size(), full.items().size(), maxBatchTokens, repeats);
                ScoringOptions base = ScoringOptions.builder().maxBatchTokens(maxBatchTokens)
                        .maxSequenceLength(config.maxPositions()).build();
                // warm-up: the first forward passes pay for lazy native initialization
                new TeacherForcedScorer(ckpt.model(), tokenizer, manager, base.toBuilder().batchSize(4).build())
                        .score(suite.sampled(Math.min(16, suite.items().size())), ProgressListener.NONE);
                System.out.println("| batch | rows | sequences | tokens | seconds | items/s | tokens/s "
                        + "| full suite (s, + load) | heap peak (MiB) | RSS peak (MiB) |");
                System.out.println("|---|---|---|---|---|---|---|---|---|---|");
                SuiteScore lastScore = null;
                for (int batch : batches) {
                    resetPeaks();
                    SuiteScore s = null;
                    for (int r = 0; r < repeats; r++) {
                        SuiteScore one = new TeacherForcedScorer(ckpt.model(), tokenizer, manager,
                                base.toBuilder().batchSize(batch).build()).score(suite, ProgressListener.NONE);
                        s = s == null || one.seconds() < s.seconds() ? one : s;
                    }
                    double fullSuite = full.items().size() / s.itemsPerSecond() + loadSeconds;
                    System.out.printf(Locale.ROOT, "| %d | %d | %d | %d | %.2f | %,.1f | %,.0f | %,.1f | %s | %s |%n", batch,
                            s.rows().size(), s.sequences(), s.tokens(), s.seconds(), s.itemsPerSecond(),
                            s.tokensPerSecond(), fullSuite, mib(heapPeak()), rssPeak(), gpu(device));
                    lastScore = s;
                }
                if (!predictors) {
                    return;
                }
                // one block (the middle one) against every block from the same pass, side by side, best of the repeats,
                // next to the full suite's scoring time at the last batch size measured (as the table extrapolates it)
                double scoringSeconds = full.items().size() / lastScore.itemsPerSecond();
                System.out.printf(Locale.ROOT, "%npredictors (worker defaults, batch 16, %s; full suite scored in %.2f s "
                        + "at batch %d):%n", full.name(), scoringSeconds, batches[batches.length - 1]);
                for (boolean everyBlock : new boolean[] {false, true}) {
                    resetPeaks();
                    PredictorSettings p = PredictorSettings.builder().everyBlock(everyBlock).build();
                    GeneralizationPredictors g = null;
                    for (int r = 0; r < repeats; r++) {
                        GeneralizationPredictors one = GeneralizationPredictors.measure(dir, ckpt.decoder(), tokenizer,
                                manager, full, p, base.toBuilder().batchSize(16).build());
                        g = g == null || one.seconds() < g.seconds() ? one : g;
                    }
                    System.out.printf(Locale.ROOT, "  %s: %s; %.1f%% of scoring; heap peak %s MiB, RSS peak %s MiB%n",
                            everyBlock ? "every block" : "one block  ", g.describe(), 100 * g.seconds() / scoringSeconds,
                            mib(heapPeak()), rssPeak());
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String threads() {
        String n = System.getProperty("ai.djl.pytorch.num_threads");
        return (n == null ? "PyTorch's default threads" : n + " intra-op thread(s)") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores visible";
    }

    private static String gpu(Device device) {
        if (!device.isGpu()) {
            return "";
        }
        return String.format(Locale.ROOT, " (GPU in use after the run: %.0f MiB)",
                CudaUtils.getGpuMemory(device).getUsed() / 1048576.0);
    }

    /** Peaks since the last reset: heap pools here, and the kernel's high-water mark of resident memory. */
    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        try {
            // "5" resets VmHWM to the current RSS (Linux >= 4.0); where refused, the figure is the process peak
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException ignored) {
            // a read-only /proc leaves the lifetime peak, which the README says
        }
    }

    /** Sum of the heap pools' peaks (an upper bound on the heap's simultaneous peak). */
    private static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static String rssPeak() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D+", ""));
                    return String.format(Locale.ROOT, "%,d", kb / 1024);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return "n/a";
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,d", bytes / 1048576);
    }
}
