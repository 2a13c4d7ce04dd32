package dev.modehop.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The local cluster of {@code deploy/local-cluster/cluster.sh}, driven as an operator drives it: {@code up},
 * {@code kill NAME} (SIGKILL), {@code start NAME}, {@code down}; the script's output goes to a log file.
 * Its state (pids, logs, data) lives in one folder of its own, on a free block of loopback ports.
 */
final class LocalCluster implements AutoCloseable {
    static final Path SCRIPT = Workload.ROOT.resolve("deploy/local-cluster/cluster.sh");

    final Path dir;
    private final Map<String, String> env;
    private final Path log;
    /** Seconds {@code up} took, from the script's start to every process ready. */
    final double upSeconds;
    final String bootstrap;
    final String registryUrl;

    private LocalCluster(Path dir, Map<String, String> env, Path log, double upSeconds, String bootstrap,
                         String registryUrl) {
        this.dir = dir;
        this.env = env;
        this.log = log;
        this.upSeconds = upSeconds;
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
    }

    /** {@code cluster.sh up} with {@code settings} (MODEHOP_* for every service, MODEHOP_CLUSTER_*). */
    static LocalCluster up(Path dir, Map<String, String> settings, Duration timeout) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("MODEHOP_CLUSTER_DIR", dir.toAbsolutePath().toString());
        env.putIfAbsent("MODEHOP_CLUSTER_PORT_BASE", "auto");
        env.putIfAbsent("MODEHOP_CLUSTER_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path log = dir.resolve("cluster.sh.log");
        long t0 = System.nanoTime();
        LocalCluster partial = new LocalCluster(dir, env, log, 0, null, null);
        try {
            partial.script(timeout, "up");
        } catch (AssertionError e) {
            partial.close();
            throw e;
        }
        double up = (System.nanoTime() - t0) / 1e9;
        Map<String, String> serviceEnv = partial.serviceEnv("topics-init");
        return new LocalCluster(dir, env, log, up, serviceEnv.get("MODEHOP_BOOTSTRAP_SERVERS"),
                serviceEnv.get("MODEHOP_REGISTRY_URL"));
    }

    /** The environment the script starts {@code name} with. */
    Map<String, String> serviceEnv(String name) {
        Map<String, String> out = new HashMap<>();
        for (String line : script(Duration.ofSeconds(30), "env", name).split("\n")) {
            int eq = line.indexOf('=');
            if (line.startsWith("MODEHOP_") && eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    /** SIGKILL to {@code name}; returns when it is gone. */
    void kill(String name) {
        script(Duration.ofSeconds(60), "kill", name);
    }

    /** Starts {@code name} again and waits until it is ready (broker started, /health/ready 200, ...). */
    void start(String name) {
        script(Duration.ofSeconds(240), "start", name);
    }

    /** SIGTERM to {@code name} (SIGKILL after 30 s); returns when it is gone. */
    void stop(String name) {
        script(Duration.ofSeconds(60), "stop", name);
    }

    /** The port {@code cluster.sh status} reports for {@code name} (the jobmanager's: Flink's REST API). */
    int port(String name) {
        for (String line : script(Duration.ofSeconds(30), "status").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[0].equals(name) && f[1].equals("up") && f[4].equals("port")) {
                return Integer.parseInt(f[5]);
            }
        }
        throw new AssertionError(name + " is not up");
    }

    int flinkRestPort() {
        return port("jobmanager");
    }

    /** The pids of every process the cluster has now, by name. */
    Map<String, Long> pids() {
        Map<String, Long> out = new HashMap<>();
        Path pids = dir.resolve("pids");
        if (!Files.isDirectory(pids)) {
            return out;
        }
        try (Stream<Path> files = Files.list(pids)) {
            for (Path p : files.toList()) {
                out.put(p.getFileName().toString(), Long.parseLong(Files.readString(p).trim()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The whole log of a process (every start of it). */
    String log(String name) {
        try {
            return Files.readString(dir.resolve("logs").resolve(name + ".log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The last lines of a process's log, for failure messages. */
    String logTail(String name) {
        return Launched.tail(log(name));
    }

    /** Runs the script with {@code args}; its output, or an AssertionError with it when it exits non-zero. */
    String script(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(dir);
            Path out = Files.createTempFile(dir, "script-", ".out");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("MODEHOP_"));
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            Files.writeString(log, "$ cluster.sh " + String.join(" ", args) + "\n" + text, StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            if (!done || p.exitValue() != 0) {
                throw new AssertionError("cluster.sh " + String.join(" ", args) + (done ? " exited " + p.exitValue()
                        : " did not finish in " + timeout.toSeconds() + " s") + ":\n" + Launched.tail(text));
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code cluster.sh down}; the pids it had are checked by the caller. */
    @Override
    public void close() {
        if (Files.exists(dir.resolve("cluster.env"))) {
            script(Duration.ofSeconds(180), "down");
        }
    }
}
