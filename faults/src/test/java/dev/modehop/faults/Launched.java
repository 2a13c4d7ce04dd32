package dev.modehop.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One {@code modehop} process started from the launcher jar, as an operator would start it: its own JVM,
 * its output in a log file, killed with SIGKILL ({@link #kill()}) or stopped with SIGTERM ({@link #stop()}).
 */
final class Launched implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("modehop.launcher.jar", "../launcher/target/modehop.jar"));

    final String name;
    final Path log;
    private final Process process;
    final long startedNanos = System.nanoTime();

    private Launched(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts {@code modehop args...} with {@code env} on top of a copy of this environment without MODEHOP_*
     * and host names.
     *
     * @param heap    the JVM's -Xmx
     * @param c1Only  stop the JIT at C1: starts faster, which services that restart often want, but computes
     *                slower (not for the scorer)
     */
    static Launched start(String name, Path logDir, String heap, boolean c1Only, Map<String, String> env,
                          String... args) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: build the launcher first (mvn -pl launcher -am package)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.add("-XX:+UseSerialGC");
        if (c1Only) {
            command.add("-XX:TieredStopAtLevel=1");
        }
        command.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.modehop.events");
        command.add("-jar");
        command.add(JAR.toAbsolutePath().toString());
        command.addAll(List.of(args));
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().keySet().removeIf(k -> k.startsWith("MODEHOP_") || k.equals("HOSTNAME") || k.equals("POD_NAME"));
            pb.environment().putAll(env);
            Files.writeString(log, "=== " + String.join(" ", args) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            return new Launched(name, log, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until the log has a line matching {@code line} (written after this start); fails if the process ends first. */
    void await(Pattern line, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int from = output().lastIndexOf("=== ");
        while (System.nanoTime() < deadline) {
            String out = output();
            if (line.matcher(out.substring(Math.max(0, from))).find()) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before printing '" + line
                        + "':\n" + tail(out));
            }
            sleep(100);
        }
        String seen = tail(output());
        dumpThreads();
        throw new AssertionError(name + " did not print '" + line + "' within " + timeout.toSeconds() + " s:\n"
                + seen + "\n(its threads at the timeout: " + log + ")");
    }

    /**
     * Appends the process's thread dump ({@code jcmd PID Thread.print}) to its log, best effort: a start that hangs
     * without a word (seen once, a restart of {@code up} after kill -9 that never reached RUNNING) says where.
     */
    private void dumpThreads() {
        if (!process.isAlive()) {
            return;
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            dump.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no jcmd in this Java: the assertion still says what did not happen
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no leaving the group. */
    void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    void stop(Duration grace) {
        process.destroy();
        if (!waitFor(grace)) {
            kill();
        }
    }

    boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitCode() {
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    static String tail(String s) {
        return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
    }

    /** Deletes {@code dir} and everything under it, if it exists. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
