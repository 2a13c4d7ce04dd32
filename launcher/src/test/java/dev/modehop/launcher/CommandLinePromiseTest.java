package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.modehop.embedded.EmbeddedKafka;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What the command promises on every path: usage errors and unreachable services are one
 * {@code modehop: error:} line and exit code 2; {@code up} checks its arguments before it starts anything;
 * help is whole; {@code -V} answers everywhere.
 */
class CommandLinePromiseTest {
    @TempDir
    Path tmp;

    static CommandLineTest.Run run(String... args) {
        return CommandLineTest.run(args);
    }

    static void assertOneErrorLine(CommandLineTest.Run r, String... contains) {
        assertEquals(2, r.code(), r.err());
        List<String> lines = r.err().strip().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("modehop: error: "), r.err());
        for (String c : contains) {
            assertTrue(lines.get(0).contains(c), "'" + c + "' in: " + lines.get(0));
        }
        assertFalse(r.out().contains("Usage:"), "no usage dump: " + r.out());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void usageErrorsAreOneLineWithAHintAndExitCode2() {
        assertOneErrorLine(run("frobnicate"), "unknown command 'frobnicate'", "(see 'modehop --help')");
        assertOneErrorLine(run("publis"), "did you mean publish");
        assertOneErrorLine(run("publish", "checkpoint", "--run", "r"), "Missing required options",
                "(see 'modehop publish checkpoint --help')");
        assertOneErrorLine(run("detect", "--input", "x.csv", "--stability-checkpoints", "abc"), "'abc' is not an int",
                "(see 'modehop detect --help')");
        assertOneErrorLine(run("detect", "--input", "x.csv", "--nope"), "Unknown option: '--nope'");
        assertOneErrorLine(run("detect", "--input", "x.csv", "--metric", "acc,"), "--metric must be METRIC or METRIC,FILTER");
        assertOneErrorLine(run("publish", "window", "--run", "r", "--id", "w", "--start", "5", "--end", "1",
                "--mixture", "a=1"), "need 0 <= --start < --end");
        assertOneErrorLine(run("notify"), "--config FILE is required");
    }

    @Test
    void anUnreachableRegistryOrBrokerFailsBoundedNamingTheAddress() throws Exception {
        int closed = freePort();
        long t0 = System.nanoTime();
        CommandLineTest.Run noRegistry = run("publish", "checkpoint", "--run", "r", "--step", "1", "--uri", "/x",
                "--registry", "http://127.0.0.1:" + closed, "--bootstrap", "127.0.0.1:" + closed);
        assertOneErrorLine(noRegistry, "schema registry at http://127.0.0.1:" + closed, "--registry");

        HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        registry.start();
        try {
            String url = "http://127.0.0.1:" + registry.getAddress().getPort();
            for (String[] cmd : new String[][] {
                    {"publish", "checkpoint", "--run", "r", "--step", "1", "--uri", "/x"},
                    {"publish", "window", "--run", "r", "--id", "w", "--start", "0", "--end", "10", "--mixture", "a=1"},
                    {"replay", Path.of("..", "examples", "flipped-hops.csv").toString()},
                    {"watch", tmp.toString(), "--run", "r"}}) {
                String[] args = Stream.concat(Stream.of(cmd), Stream.of("--registry", url, "--bootstrap",
                        "127.0.0.1:" + closed)).toArray(String[]::new);
                CommandLineTest.Run r = run(args);
                assertOneErrorLine(r, "cannot reach Kafka at 127.0.0.1:" + closed, "--bootstrap");
            }
        } finally {
            registry.stop(0);
        }
        // Six refused connections: far inside the documented bound of 15 s per command.
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) < 6 * 15);
    }

    @Test
    void aBrokerWithoutTheTopicsSaysHowToCreateThem() throws Exception {
        HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        registry.start();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            CommandLineTest.Run r = run("publish", "checkpoint", "--run", "r", "--step", "1", "--uri", "/x",
                    "--registry", "http://127.0.0.1:" + registry.getAddress().getPort(), "--bootstrap",
                    kafka.bootstrapServers(), "--topic-prefix", "team-a.");
            assertOneErrorLine(r, "has no topic team-a.modehop.checkpoint.ready", "modehop topics create",
                    "--topic-prefix");
        } finally {
            registry.stop(0);
        }
    }

    @Test
    void upChecksItsArgumentsAndPortsBeforeStartingAnything() throws Exception {
        assertOneErrorLine(run("up", "--partitions", "0"), "--partitions");
        assertOneErrorLine(run("up", "--kafka-port", "70000"), "--kafka-port must be a port");
        assertOneErrorLine(run("up", "--kafka-port", "8081"), "are both 8081");
        assertOneErrorLine(run("up", "--engine", "spark"), "--engine must be streams, flink or none");
        assertOneErrorLine(run("up", "--stability-checkpoints", "0"), "--stability-checkpoints must be >= 1");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertOneErrorLine(run("up", "--data-dir", file.toString()), "is a file");
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress("127.0.0.1", 0));
            CommandLineTest.Run r = run("up", "--kafka-port", "0", "--registry-port", String.valueOf(busy.getLocalPort()),
                    "--dashboard-port", "-1");
            assertOneErrorLine(r, "port " + busy.getLocalPort() + " (--registry-port) is in use");
            assertFalse(r.out().contains("starting"), "nothing started: " + r.out());
        }
    }

    @Test
    void aStackThatFailsToStartLeavesNoTemporaryFolder() throws Exception {
        Path tmpdir = Files.createDirectories(tmp.resolve("java-tmp"));
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress("127.0.0.1", 0));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-Xmx512m", "-Djava.io.tmpdir=" + tmpdir,
                    "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.modehop.events", "-cp",
                    System.getProperty("java.class.path"), StackStartProbe.class.getName(),
                    String.valueOf(busy.getLocalPort())).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(3, p.exitValue(), out);
            assertTrue(out.contains("failed: cannot start the embedded schema registry"), out);
        }
        try (Stream<Path> left = Files.list(tmpdir)) {
            List<Path> stacks = left.filter(f -> f.getFileName().toString().startsWith("modehop-")).toList();
            assertEquals(List.of(), stacks, "the failed start's folders are gone");
        }
    }

    @Test
    void helpIsWholeAndVersionAnswersOnEveryCommand() {
        Deque<CommandLine> todo = new ArrayDeque<>(List.of(new CommandLine(new Modehop())));
        while (!todo.isEmpty()) {
            CommandLine cmd = todo.pop();
            todo.addAll(cmd.getSubcommands().values());
            String name = cmd.getCommandSpec().qualifiedName();
            if (name.endsWith(" help")) {
                continue;
            }
            // The command list shows only a description's first line: each line must be whole sentences.
            for (String line : cmd.getCommandSpec().usageMessage().description()) {
                assertTrue(line.strip().matches("(?s).*[.:)]$|.*%n$"), name + ": description line cut: '" + line + "'");
            }
            cmd.getCommandSpec().options().forEach(o -> {
                String[] d = o.description();
                for (int i = 0; i < d.length - 1; i++) {
                    assertTrue(d[i].strip().matches(".*[.:;)]$"), name + " " + o.longestName() + ": cut: '" + d[i] + "'");
                }
            });
            String[] args = Stream.concat(Stream.of(name.split(" ")).skip(1), Stream.of("-V")).toArray(String[]::new);
            CommandLineTest.Run r = run(args);
            assertEquals(0, r.code(), name);
            assertEquals(Modehop.VERSION, r.out().strip(), name + " -V");
        }
    }
}
