package dev.modehop.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.modehop.scorer.checkpoint.SafetensorsCheckpoint;
import dev.modehop.scorer.checkpoint.SafetensorsStream;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.ModelConfig;
import dev.modehop.scorer.model.RandomCheckpoints;
import dev.modehop.scorer.worker.BufferedCheckpointAverager;
import dev.modehop.scorer.worker.CheckpointAverager;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The averaging test's memory: {@link CheckpointAverager} (streamed, one piece at a time) against the averager
 * it replaced ({@link BufferedCheckpointAverager}: the whole averaged model on the heap until written), on N
 * random float32 checkpoints of one shape, side by side in one run. Every case runs in a JVM of its own, so no
 * case inherits another's heap, page mappings or JIT state:
 * <ul>
 *   <li>at a common {@code -Xmx} (best of R runs): seconds, the heap pools' summed peak (live data and garbage
 *       not yet collected), the largest heap left after any collection (live data at that moment; "-" when the
 *       case never collected) and the process's resident peak ({@code VmHWM}, JVM included);</li>
 *   <li>the smallest {@code -Xmx} the case completes in (doubling from 16 MiB, then bisected to a sixteenth):
 *       what it needs, measured by running it, against one model's float32 size as the bound.</li>
 * </ul>
 * The two averagers' files are compared byte for byte. Checkpoints are written into a temp folder with the
 * project's writer and deleted afterwards; they stay in the page cache, so reading them costs no disk.
 */
final class AveragingBenchmark {
    private static final String CASE = "--case";
    private static final int OUT_OF_MEMORY = 3;

    private AveragingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(CASE)) {
            runCase(args);
            return;
        }
        String model = "pythia-70m";
        int[] counts = {2, 5, 9};
        int heapMib = 2048;
        int repeats = 3;
        boolean ladder = true;
        List<String> childOptions = List.of();
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = args[++i];
                case "--counts" -> counts = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--heap" -> heapMib = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--no-ladder" -> ladder = false;
                case "--dir" -> base = Path.of(args[++i]);
                case "--jvm-options" -> childOptions = List.of(args[++i].trim().split("\\s+"));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--model NAME --counts 2,5,9 --heap MIB --repeats R --no-ladder --dir DIR --jvm-options \"...\")");
            }
        }
        ModelConfig config = RandomCheckpoints.shape(model);
        Map<String, long[]> shapes = CheckpointLoader.shapes(config);
        long elements = shapes.values().stream().mapToLong(AveragingBenchmark::elements).sum();
        long largest = shapes.values().stream().mapToLong(AveragingBenchmark::elements).max().orElse(0);
        Path dir = Files.createTempDirectory(base, "modehop-averaging-bench-");
        try {
            int max = Arrays.stream(counts).max().orElse(0);
            List<Path> folders = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < max; i++) {
                folders.add(writeCheckpoint(dir.resolve("ckpt-" + i), config, shapes, i));
            }
            System.out.printf(Locale.ROOT, "averaging: %s shape, %,d float32 weights = %.1f MiB per checkpoint (largest "
                            + "tensor %.1f MiB); %d checkpoints written in %.1f s; %s; common -Xmx%dm%s, best of %d%n", model,
                    elements, mib(elements * 4), mib(largest * 4), max, (System.nanoTime() - t0) / 1e9,
                    Runtime.getRuntime().availableProcessors() + " cores visible", heapMib,
                    childOptions.isEmpty() ? " (JVM defaults otherwise)" : " " + String.join(" ", childOptions), repeats);
            System.out.println();
            System.out.println("| checkpoints | averager | seconds | heap peak (MiB) | heap after GC, max (MiB) | GCs "
                    + "| RSS peak (MiB) | smallest -Xmx that completes (MiB) | / one model |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            for (int n : counts) {
                List<Path> window = folders.subList(0, n);
                Path[] outs = new Path[2];
                for (int k = 0; k < 2; k++) {
                    String averager = k == 0 ? "buffered" : "streamed";
                    outs[k] = dir.resolve("avg-" + averager + "-" + n);
                    Measured best = null;
                    long heapPeak = 0;
                    long afterGc = -1;
                    long rss = 0;
                    for (int r = 0; r < repeats; r++) {
                        deleteTree(outs[k]);
                        Measured m = fork(averager, heapMib, childOptions, outs[k], window);
                        if (m == null) {
                            throw new IllegalStateException(averager + " averaging of " + n + " ran out of -Xmx" + heapMib
                                    + "m; pass a larger --heap");
                        }
                        best = best == null || m.seconds < best.seconds ? m : best;
                        heapPeak = Math.max(heapPeak, m.heapPeak);
                        afterGc = Math.max(afterGc, m.afterGcMax);
                        rss = Math.max(rss, m.rssPeak);
                    }
                    String smallest = "-";
                    String ratio = "-";
                    if (ladder) {
                        smallest = "> " + heapMib;
                        ratio = "> " + String.format(Locale.ROOT, "%.2f", heapMib / mib(elements * 4));
                        Path scratch = dir.resolve("avg-ladder");
                        int fits = smallestHeap(averager, heapMib, childOptions, scratch, window);
                        if (fits > 0) {
                            smallest = String.valueOf(fits);
                            ratio = String.format(Locale.ROOT, "%.2f", fits / mib(elements * 4));
                        }
                    }
                    System.out.printf(Locale.ROOT, "| %d | %s | %.2f | %.0f | %s | %d | %.0f | %s | %s |%n", n, averager,
                            best.seconds, mib(heapPeak), afterGc < 0 ? "-" : String.format(Locale.ROOT, "%.0f", mib(afterGc)),
                            best.collections, mib(rss), smallest, ratio);
                }
                Path a = outs[0].resolve(SafetensorsCheckpoint.SINGLE_FILE);
                Path b = outs[1].resolve(SafetensorsCheckpoint.SINGLE_FILE);
                long mismatch = Files.mismatch(a, b);
                if (mismatch >= 0) {
                    throw new IllegalStateException("the streamed average of " + n + " differs from the buffered one at byte "
                            + mismatch);
                }
                System.err.printf(Locale.ROOT, "  %d checkpoints: streamed and buffered files equal byte for byte (%,d bytes)%n",
                        n, Files.size(a));
                deleteTree(outs[0]);
                deleteTree(outs[1]);
            }
            System.out.printf(Locale.ROOT, "%none model (the stated bound): %.1f MiB of float32 weights%n", mib(elements * 4));
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * The smallest {@code -Xmx} (MiB) the case completes in: doubling from 16 MiB to the first that does, then
     * halving the interval down to a sixteenth of it (at least 4 MiB); -1 when not even {@code maxMib} does.
     */
    private static int smallestHeap(String averager, int maxMib, List<String> options, Path scratch, List<Path> window)
            throws IOException, InterruptedException {
        int fails = 0;
        int fits = -1;
        for (int xmx = 16; xmx <= maxMib; xmx *= 2) {
            deleteTree(scratch);
            if (fork(averager, xmx, options, scratch, window) != null) {
                fits = xmx;
                break;
            }
            fails = xmx;
        }
        if (fits < 0 || fails == 0) {
            deleteTree(scratch);
            return fits;
        }
        int resolution = Math.max(4, fits / 16);
        while (fits - fails > resolution) {
            int mid = (fails + fits) / 2;
            deleteTree(scratch);
            if (fork(averager, mid, options, scratch, window) != null) {
                fits = mid;
            } else {
                fails = mid;
            }
        }
        deleteTree(scratch);
        return fits;
    }

    private record Measured(double seconds, long heapPeak, long afterGcMax, long collections, long rssPeak) {
    }

    /** Runs one case in a new JVM; null when it ran out of heap. */
    private static Measured fork(String averager, int xmxMib, List<String> options, Path out, List<Path> window)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + xmxMib + "m"));
        cmd.addAll(options);
        cmd.addAll(List.of("-cp", classpath(), AveragingBenchmark.class.getName(), CASE, averager, out.toString()));
        window.forEach(p -> cmd.add(p.toString()));
        Path log = Files.createTempFile("modehop-averaging-case-", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            int rc = p.waitFor();
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (rc == OUT_OF_MEMORY) {
                return null;
            }
            String line = text.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                    .orElseThrow(() -> new IllegalStateException(averager + " case failed (exit " + rc + "):\n" + text));
            String[] f = line.split(" ");
            return new Measured(Double.parseDouble(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                    Long.parseLong(f[5]));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The child: averages once and prints {@code RESULT seconds heapPeak afterGcMax collections vmHwm}. */
    private static void runCase(String[] args) throws Exception {
        String averager = args[1];
        Path out = Path.of(args[2]);
        List<Path> window = Arrays.stream(args, 3, args.length).map(Path::of).toList();
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        AtomicLong afterGcMax = new AtomicLong(-1);
        AtomicLong collections = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    return;
                }
                var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                long used = 0;
                for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (heapPools.contains(e.getKey())) {
                        used += e.getValue().getUsed();
                    }
                }
                long u = used;
                afterGcMax.accumulateAndGet(u, Math::max);
                collections.incrementAndGet();
            }, null, null);
        }
        long t0 = System.nanoTime();
        try {
            if (averager.equals("buffered")) {
                BufferedCheckpointAverager.average(window, out);
            } else {
                CheckpointAverager.average(window, out);
            }
        } catch (OutOfMemoryError e) {
            System.out.println("OOM");
            System.exit(OUT_OF_MEMORY);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long heapPeak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        // notifications arrive on their own thread, shortly after each collection
        Thread.sleep(200);
        System.out.printf(Locale.ROOT, "RESULT %.4f %d %d %d %d%n", seconds, heapPeak, afterGcMax.get(), collections.get(),
                vmHwm());
    }

    /** Random float32 weights, streamed to the file piece by piece so the writer never holds a model either. */
    private static Path writeCheckpoint(Path folder, ModelConfig config, Map<String, long[]> shapes, long seed)
            throws IOException {
        Files.createDirectories(folder);
        RandomCheckpoints.writeConfig(folder, config);
        List<SafetensorsStream.Tensor> layout = shapes.entrySet().stream()
                .map(e -> new SafetensorsStream.Tensor(e.getKey(), TensorDType.F32, e.getValue())).toList();
        SplittableRandom random = new SplittableRandom(seed);
        float[] piece = new float[1 << 20];
        try (SafetensorsStream file = SafetensorsStream.create(folder.resolve(SafetensorsCheckpoint.SINGLE_FILE),
                Map.of("format", "pt"), layout)) {
            for (SafetensorsStream.Tensor t : layout) {
                for (long start = 0; start < t.elements(); start += piece.length) {
                    int count = (int) Math.min(piece.length, t.elements() - start);
                    for (int i = 0; i < count; i++) {
                        piece[i] = (float) (random.nextDouble() * 0.2 - 0.1);
                    }
                    file.write(t.name(), piece, 0, count);
                }
            }
            file.commit();
        }
        return folder;
    }

    /**
     * The benchmark's own classpath for the child JVMs: under {@code exec:java} the project's classes sit in the
     * plugin's class loader, not on {@code java.class.path} (which is Maven's).
     */
    private static String classpath() {
        if (AveragingBenchmark.class.getClassLoader() instanceof URLClassLoader loader) {
            List<String> parts = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                try {
                    parts.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return String.join(java.io.File.pathSeparator, parts);
        }
        return System.getProperty("java.class.path");
    }

    private static long vmHwm() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        return -1;
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var files = Files.walk(p)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
