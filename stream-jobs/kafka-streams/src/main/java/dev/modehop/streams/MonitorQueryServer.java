package dev.modehop.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modehop.core.RunSummary;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Interactive queries over HTTP, one server per Streams instance: a run's current state (its series' latest
 * modes, its hops with verdicts, its best checkpoint and leaderboard) as {@link MonitorQueries} reads it from
 * the local store. A run lives on the instance that owns its partition; Kafka Streams knows which from every
 * member's {@code application.server}, so any instance answers for any run: its own from its store, another's
 * by asking the owner once (a forwarded request is never forwarded again) and passing the answer on.
 *
 * <ul>
 *   <li>{@code GET /runs}: {@code {"instance", "runs":[...]}}, the runs of every instance (each asked for its
 *       local ones); {@code ?scope=local} only this instance's;</li>
 *   <li>{@code GET /runs/{id}}: the run's {@link RunSummary} as JSON plus {@code servedBy}; 404 when no
 *       instance holds the run; 503 with {@code Retry-After} while the group rebalances or the store restores.</li>
 * </ul>
 *
 * <p>Doors, as the dashboard's: bound to loopback unless told; with a token every request needs
 * {@code Authorization: Bearer <token>} (the instances forward it to each other); and since this is an API for
 * services, a request a browser sends ({@code Origin} or {@code Sec-Fetch-Site} header) is refused, so a
 * page cannot read it through a browser on this machine (DNS rebinding).
 *
 * <p>The server binds before the Streams instance exists ({@link #bind}), so that {@code application.server}
 * can name its real port (0 = any free one); {@link #serve} then attaches the job.
 */
public final class MonitorQueryServer implements AutoCloseable {
    public static final String RUNS_PATH = "/runs";
    /** Marks a request one instance forwards to the owner of a run: answered locally, never forwarded again. */
    static final String FORWARDED = "X-Modehop-Forwarded";

    private final HttpServer server;
    private final ExecutorService executor;
    private final HostInfo self;
    private final String token;
    private final HttpClient peers = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private volatile MonitorStreamsJob job;

    private MonitorQueryServer(HttpServer server, ExecutorService executor, HostInfo self, String token) {
        this.server = server;
        this.executor = executor;
        this.self = self;
        this.token = token;
    }

    /**
     * Listens on {@code bindHost:port}.
     *
     * @param advertised the {@code host:port} other instances reach this one under (the job's
     *                   {@code application.server}); null: the bound address with its real port
     * @param token      required as a bearer token on every request; null or blank for none
     */
    public static MonitorQueryServer bind(String bindHost, int port, String advertised, String token) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bindHost, port), 32);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for interactive queries on " + bindHost + ":" + port
                    + ": " + e.getMessage(), e);
        }
        HostInfo self = advertised == null || advertised.isBlank()
                ? new HostInfo(bindHost, server.getAddress().getPort())
                : HostInfo.buildFromEndpoint(advertised);
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "modehop-queries-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        MonitorQueryServer queries = new MonitorQueryServer(server, executor, self,
                token == null || token.isBlank() ? null : token);
        server.createContext("/", queries::handle);
        server.setExecutor(executor);
        server.start();
        return queries;
    }

    /** The {@code application.server} value of this instance: {@code host:port}. */
    public String applicationServer() {
        return self.host() + ":" + self.port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Starts answering from {@code job}; until then every query is 503. */
    public MonitorQueryServer serve(MonitorStreamsJob job) {
        this.job = job;
        return this;
    }

    private record Answer(int status, Object body) {
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Answer answer;
            try {
                answer = answer(exchange);
            } catch (InvalidStateStoreException e) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                answer = new Answer(503, error("the store is not queryable now (rebalancing or restoring): "
                        + e.getMessage()));
            } catch (RuntimeException e) {
                answer = new Answer(500, error(e.toString()));
            }
            byte[] body = json.writeValueAsBytes(answer.body());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private Answer answer(HttpExchange exchange) {
        if (exchange.getRequestHeaders().containsKey("Origin") || exchange.getRequestHeaders().containsKey("Sec-Fetch-Site")) {
            return new Answer(403, error("interactive queries are for services, not browsers"));
        }
        if (token != null && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return new Answer(401, error("missing or wrong token (Authorization: Bearer <read token>)"));
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "GET");
            return new Answer(405, error("GET only"));
        }
        MonitorStreamsJob current = job;
        if (current == null || current.streams().state() != KafkaStreams.State.RUNNING
                && current.streams().state() != KafkaStreams.State.REBALANCING) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            return new Answer(503, error("the Streams job is not running yet"));
        }
        URI uri = exchange.getRequestURI();
        String path = uri.getRawPath();
        boolean forwarded = exchange.getRequestHeaders().containsKey(FORWARDED);
        if (path.equals(RUNS_PATH) || path.equals(RUNS_PATH + "/")) {
            boolean local = forwarded || "scope=local".equals(uri.getRawQuery());
            return new Answer(200, runs(current, local));
        }
        if (path.startsWith(RUNS_PATH + "/") && path.indexOf('/', RUNS_PATH.length() + 1) < 0) {
            String runId = URLDecoder.decode(path.substring(RUNS_PATH.length() + 1), StandardCharsets.UTF_8);
            return run(current, runId, forwarded);
        }
        return new Answer(404, error("not found; try " + RUNS_PATH + " or " + RUNS_PATH + "/{runId}"));
    }

    private Map<String, Object> runs(MonitorStreamsJob current, boolean localOnly) {
        TreeSet<String> runs = new TreeSet<>(current.queries().runs());
        List<String> instances = new ArrayList<>();
        instances.add(applicationServer());
        if (!localOnly) {
            for (StreamsMetadata member : current.streams().metadataForAllStreamsClients()) {
                if (member.hostInfo().equals(self) || member.hostInfo().port() < 0) {
                    continue;
                }
                Map<?, ?> theirs = askPeer(member.hostInfo(), RUNS_PATH + "?scope=local");
                if (theirs.get("runs") instanceof List<?> list) {
                    list.forEach(r -> runs.add(String.valueOf(r)));
                }
                instances.add(member.hostInfo().host() + ":" + member.hostInfo().port());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("instance", applicationServer());
        out.put("instances", instances);
        out.put("runs", List.copyOf(runs));
        return out;
    }

    private Answer run(MonitorStreamsJob current, String runId, boolean forwarded) {
        KeyQueryMetadata owner = current.streams().queryMetadataForKey(MonitorTopology.STATE_STORE, runId,
                new StringSerializer());
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new InvalidStateStoreException("no instance owns the partition of run " + runId + " right now");
        }
        HostInfo active = owner.activeHost();
        if (forwarded || active.equals(self)) {
            Optional<RunSummary> summary = current.queries().run(runId);
            if (summary.isEmpty()) {
                return new Answer(404, error("no run " + runId + " on " + applicationServer()));
            }
            Map<String, Object> out = new LinkedHashMap<>(json.convertValue(summary.get(), Map.class));
            out.put("servedBy", applicationServer());
            return new Answer(200, out);
        }
        return forward(active, RUNS_PATH + "/" + URLEncoder.encode(runId, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    private Answer forward(HostInfo owner, String pathAndQuery) {
        HttpResponse<byte[]> response = get(owner, pathAndQuery);
        try {
            return new Answer(response.statusCode(), json.readValue(response.body(), Map.class));
        } catch (IOException e) {
            return new Answer(502, error("instance " + owner + " answered no JSON: " + e.getMessage()));
        }
    }

    private Map<?, ?> askPeer(HostInfo peer, String pathAndQuery) {
        HttpResponse<byte[]> response = get(peer, pathAndQuery);
        if (response.statusCode() != 200) {
            throw new InvalidStateStoreException("instance " + peer + " answered " + response.statusCode());
        }
        try {
            return json.readValue(response.body(), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<byte[]> get(HostInfo peer, String pathAndQuery) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + peer.host() + ":" + peer.port()
                        + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).header(FORWARDED, applicationServer()).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return peers.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            // The owner is unreachable: the group will move its partitions; the caller retries.
            throw new InvalidStateStoreException("instance " + peer + " unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidStateStoreException("interrupted asking " + peer);
        }
    }

    private boolean authorized(String header) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
