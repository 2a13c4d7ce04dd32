package dev.modehop.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A small HTTP server for orchestrators and Prometheus:
 * <ul>
 *   <li>{@code GET /health/live}: 200 while every liveness check passes (none registered: always 200);</li>
 *   <li>{@code GET /health/ready}: 200 only when at least one readiness check is registered and all pass,
 *       else 503; the body lists each check as UP or DOWN;</li>
 *   <li>{@code GET /metrics}: Prometheus text format from {@link ServiceMetrics}.</li>
 * </ul>
 * Readiness with no checks is DOWN on purpose: a service that forgot to say what "ready" means should
 * not receive traffic. Checks are {@link BooleanSupplier}s so services pass e.g.
 * {@code () -> streams.state() == RUNNING} or a poll-loop heartbeat; a check that throws counts as DOWN.
 */
public final class HealthServer implements AutoCloseable {

    public static final String LIVE_PATH = "/health/live";
    public static final String READY_PATH = "/health/ready";
    public static final String METRICS_PATH = "/metrics";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final ServiceMetrics metrics;
    private final Map<String, BooleanSupplier> readiness = new LinkedHashMap<>();
    private final Map<String, BooleanSupplier> liveness = new LinkedHashMap<>();

    private HealthServer(HttpServer server, ExecutorService executor, ServiceMetrics metrics) {
        this.server = server;
        this.executor = executor;
        this.metrics = metrics;
    }

    /** Listens on all interfaces at {@code port} (0: a free port, see {@link #port()}). */
    public static HealthServer start(int port, ServiceMetrics metrics) {
        return start(new InetSocketAddress(port), metrics);
    }

    public static HealthServer start(InetSocketAddress address, ServiceMetrics metrics) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for health/metrics on " + address + ": " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "modehop-health-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HealthServer health = new HealthServer(server, executor, metrics);
        server.createContext(LIVE_PATH, ex -> health.handle(ex, () -> health.checks(health.liveness, true)));
        server.createContext(READY_PATH, ex -> health.handle(ex, () -> health.checks(health.readiness, false)));
        server.createContext(METRICS_PATH, ex -> health.handle(ex,
                () -> new Response(200, PROMETHEUS_TEXT, metrics.scrape())));
        server.createContext("/", ex -> health.handle(ex,
                () -> new Response(404, "text/plain; charset=utf-8", "not found; try " + LIVE_PATH + ", "
                        + READY_PATH + " or " + METRICS_PATH + "\n")));
        server.setExecutor(executor);
        server.start();
        return health;
    }

    /** Adds a readiness check; the service is ready when all of them pass. */
    public HealthServer addReadinessCheck(String name, BooleanSupplier check) {
        synchronized (readiness) {
            readiness.put(name, check);
        }
        return this;
    }

    /** Adds a liveness check; failing it tells the orchestrator to restart the process. */
    public HealthServer addLivenessCheck(String name, BooleanSupplier check) {
        synchronized (liveness) {
            liveness.put(name, check);
        }
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public ServiceMetrics metrics() {
        return metrics;
    }

    /** Evaluates the readiness checks now, as {@code /health/ready} would. */
    public boolean isReady() {
        return checks(readiness, false).status == 200;
    }

    private record Response(int status, String contentType, String body) {
    }

    private interface ResponseSupplier {
        Response get();
    }

    private Response checks(Map<String, BooleanSupplier> registered, boolean upWhenEmpty) {
        Map<String, BooleanSupplier> snapshot;
        synchronized (registered) {
            snapshot = new LinkedHashMap<>(registered);
        }
        boolean allUp = upWhenEmpty || !snapshot.isEmpty();
        StringBuilder checks = new StringBuilder();
        for (Map.Entry<String, BooleanSupplier> e : snapshot.entrySet()) {
            boolean up;
            try {
                up = e.getValue().getAsBoolean();
            } catch (RuntimeException ex) {
                up = false;
            }
            allUp &= up;
            if (checks.length() > 0) {
                checks.append(',');
            }
            checks.append('"').append(jsonEscape(e.getKey())).append("\":\"").append(up ? "UP" : "DOWN").append('"');
        }
        String body = "{\"status\":\"" + (allUp ? "UP" : "DOWN") + "\",\"checks\":{" + checks + "}}\n";
        return new Response(allUp ? 200 : 503, "application/json", body);
    }

    private void handle(HttpExchange exchange, ResponseSupplier supplier) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean head = "HEAD".equals(method);
            if (!head && !"GET".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Response response;
            try {
                response = supplier.get();
            } catch (RuntimeException e) {
                response = new Response(500, "text/plain; charset=utf-8", "error: " + e + "\n");
            }
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (head) {
                exchange.sendResponseHeaders(response.status(), -1);
                return;
            }
            exchange.sendResponseHeaders(response.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Stops listening at once; in-flight probe requests are cut short, which orchestrators tolerate. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
