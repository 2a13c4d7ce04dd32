package dev.modehop.schemas;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The real Apicurio Registry server (unpacked from Maven Central by the build), run as a child process
 * on a Java 21+ runtime with in-memory storage.
 */
final class ApicurioRegistryServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private ApicurioRegistryServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static Path home() {
        return Path.of("target", "apicurio");
    }

    /** A Java 21+ to run it: $MODEHOP_JAVA21_HOME, the running JVM if new enough, or one under /usr/lib/jvm. */
    static Optional<Path> java21() {
        String env = System.getenv("MODEHOP_JAVA21_HOME");
        if (env != null && Files.isExecutable(Path.of(env, "bin", "java"))) {
            return Optional.of(Path.of(env, "bin", "java"));
        }
        if (Runtime.version().feature() >= 21) {
            return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(jvms)) {
            return s.filter(p -> p.getFileName().toString().matches(".*-(2[1-9]|[3-9][0-9])(-|\\.|$).*"))
                    .map(p -> p.resolve("bin").resolve("java")).filter(Files::isExecutable)
                    .max(Comparator.naturalOrder());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static ApicurioRegistryServer start(Path java) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("apicurio-", ".log");
        Process p = new ProcessBuilder(java.toString(), "-Xmx512m", "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1", "-Dapicurio.storage.kind=sql", "-Dapicurio.storage.sql.kind=h2",
                "-jar", home().resolve("quarkus-run.jar").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ApicurioRegistryServer server = new ApicurioRegistryServer(p, port, log);
        server.awaitReady();
        return server;
    }

    String ccompatUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    /** Apicurio's own API, which its native serde speaks. */
    String v3Url() {
        return "http://127.0.0.1:" + port + "/apis/registry/v3";
    }

    private void awaitReady() throws InterruptedException, IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        close();
        throw new IllegalStateException("Apicurio Registry not ready after 120 s: " + Files.readString(log));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
