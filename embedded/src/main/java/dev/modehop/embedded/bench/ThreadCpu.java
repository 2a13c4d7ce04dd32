package dev.modehop.embedded.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of every thread of this process as the kernel counts it ({@code /proc/self/task}), which includes
 * the threads Java does not list: the JIT compilers and the garbage collector. A benchmark phase takes one before
 * and one after and prints where its CPU went; on another system than Linux it prints nothing.
 */
public final class ThreadCpu {
    /** Clock ticks per second of {@code /proc} times (USER_HZ, 100 on every Linux this runs on). */
    private static final double TICKS_PER_SECOND = 100;

    /** Ticks so far per thread, keyed {@code <tid> <name>} (the kernel's name: the first 15 characters). */
    private final Map<String, Long> ticks;

    private ThreadCpu(Map<String, Long> ticks) {
        this.ticks = ticks;
    }

    public static ThreadCpu now() {
        Map<String, Long> ticks = new HashMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return new ThreadCpu(ticks);
        }
        try (Stream<Path> all = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) all::iterator) {
                try {
                    String name = Files.readString(t.resolve("comm")).trim();
                    String stat = Files.readString(t.resolve("stat"));
                    // fields after the name in parentheses: state is the 3rd, utime the 14th, stime the 15th
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(t.getFileName() + " " + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ThreadCpu(ticks);
    }

    /**
     * Microseconds per event since {@code before}: JIT compilers, garbage collection, then the three busiest
     * other thread names (digits folded, so a pool counts once) and the rest; empty where /proc is missing. A
     * thread that ended in between is not counted.
     */
    public String perEventSince(ThreadCpu before, long events) {
        if (ticks.isEmpty()) {
            return "";
        }
        Map<String, Long> byKind = new HashMap<>();
        for (Map.Entry<String, Long> e : ticks.entrySet()) {
            long used = e.getValue() - before.ticks.getOrDefault(e.getKey(), 0L);
            byKind.merge(kind(e.getKey().substring(e.getKey().indexOf(' ') + 1)), used, Long::sum);
        }
        List<String> parts = new ArrayList<>();
        parts.add(share("JIT compilers", byKind.remove("JIT compilers"), events));
        parts.add(share("GC", byKind.remove("GC"), events));
        List<Map.Entry<String, Long>> rest = new ArrayList<>(byKind.entrySet());
        rest.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
        long others = 0;
        for (int i = 0; i < rest.size(); i++) {
            if (i < 3) {
                parts.add(share(rest.get(i).getKey(), rest.get(i).getValue(), events));
            } else {
                others += rest.get(i).getValue();
            }
        }
        parts.add(share("other threads", others, events));
        return "CPU per event (us): " + String.join(", ", parts);
    }

    private static String kind(String name) {
        if (name.contains("CompilerThre")) {
            return "JIT compilers";
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
            return "GC";
        }
        return name.replaceAll("\\d+", "N");
    }

    private static String share(String name, Long used, long events) {
        double us = (used == null ? 0 : used) / TICKS_PER_SECOND * 1e6 / events;
        return String.format("%s %.0f", name, us);
    }
}
