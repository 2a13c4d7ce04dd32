package dev.modehop.producers.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds checkpoints that training tools write into a folder (HF Trainer's {@code checkpoint-N/}, or
 * {@code step-N/}, {@code stepN/}) and reports each once it is complete: config.json and the weights are
 * there (every shard named by model.safetensors.index.json, if sharded) and no file has changed size or
 * time for the settle period. A Python training job needs no code change.
 */
public final class CheckpointFolderWatcher {
    private static final Pattern NAME = Pattern.compile("(?:checkpoint|step)[-_]?(\\d+)");
    private static final Pattern SHARD = Pattern.compile("\"([^\"]+\\.safetensors)\"");

    /** A complete checkpoint folder. */
    public record FoundCheckpoint(long step, Path folder, long bytes) {
    }

    private final Path root;
    private final long settleMs;
    private final LongSupplier clock;
    private final Set<Long> reported = new HashSet<>();
    private final Map<Long, Snapshot> lastSeen = new HashMap<>();

    private record Snapshot(long signature, long since) {
    }

    /**
     * @param clock milliseconds, injected so that tests need not sleep
     */
    public CheckpointFolderWatcher(Path root, long settleMs, LongSupplier clock) {
        this.root = root;
        this.settleMs = settleMs;
        this.clock = clock;
    }

    /** Checkpoints that became complete since the last poll, in step order. */
    public List<FoundCheckpoint> poll() throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + ": no such folder");
        }
        List<Path> folders;
        try (Stream<Path> s = Files.list(root)) {
            folders = s.filter(Files::isDirectory).sorted().toList();
        }
        long now = clock.getAsLong();
        List<FoundCheckpoint> found = new ArrayList<>();
        for (Path folder : folders) {
            Matcher m = NAME.matcher(folder.getFileName().toString());
            if (!m.matches()) {
                continue;
            }
            long step = Long.parseLong(m.group(1));
            if (reported.contains(step) || !hasAllFiles(folder)) {
                continue;
            }
            long signature = signature(folder);
            Snapshot previous = lastSeen.get(step);
            if (previous == null || previous.signature() != signature) {
                lastSeen.put(step, new Snapshot(signature, now));
                continue;
            }
            if (now - previous.since() >= settleMs) {
                reported.add(step);
                lastSeen.remove(step);
                found.add(new FoundCheckpoint(step, folder.toAbsolutePath(), totalBytes(folder)));
            }
        }
        found.sort(java.util.Comparator.comparingLong(FoundCheckpoint::step));
        return found;
    }

    static boolean hasAllFiles(Path folder) throws IOException {
        if (!Files.isRegularFile(folder.resolve("config.json"))) {
            return false;
        }
        if (Files.isRegularFile(folder.resolve("model.safetensors"))) {
            return true;
        }
        Path index = folder.resolve("model.safetensors.index.json");
        if (!Files.isRegularFile(index)) {
            return false;
        }
        Matcher m = SHARD.matcher(Files.readString(index));
        boolean any = false;
        while (m.find()) {
            any = true;
            if (!Files.isRegularFile(folder.resolve(m.group(1)))) {
                return false;
            }
        }
        return any;
    }

    private static long signature(Path folder) throws IOException {
        long sig = 17;
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                sig = sig * 31 + p.getFileName().toString().hashCode();
                sig = sig * 31 + Files.size(p);
                sig = sig * 31 + Files.getLastModifiedTime(p).toMillis();
            }
        }
        return sig;
    }

    private static long totalBytes(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            long total = 0;
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }
}
