package dev.modehop.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modehop.events.AveragingRequest;
import dev.modehop.events.ControlCommand;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard: a JSON API and a live page over the modehop topics, plus token-guarded control actions.
 *
 * <pre>
 * GET  /                         the page (static files from the jar, the chart library included)
 * GET  /api/info                 {readOnly, readsGuarded, topicPrefix, idleAfterSeconds}: open, so the page knows
 *                                whether to ask for a token
 * GET  /api/status               whether Kafka and the registry are reachable
 * GET  /api/runs                 run summaries
 * GET  /api/runs/{id}            one run: series points, predictors, hops with verdicts, windows, leaderboard,
 *                                alerts, controls
 * GET  /api/runs/{id}/current    its current modes, hops and best checkpoint: asked of the Streams job's
 *                                interactive queries when dashboard.streams.url is set, else from the topics
 * GET  /api/runs/{id}/checkpoints/{step}  one checkpoint: every series' value and tasks, hops, predictors
 * GET  /api/events               Server-Sent Events: "update" {runId, topics, lastStep} whenever a run changes
 * POST /api/runs/{id}/control    {action, issuedBy, reason, mixture} -> a ControlCommand on run.control
 * POST /api/runs/{id}/averaging  {step, checkpoints, issuedBy} -> an AveragingRequest on hop.averaging.requested
 * </pre>
 * Every request must name an allowed {@code Host}; with a token configured every API call but /api/info needs
 * a token; control requests from another origin are refused (see {@link HostCheck}, {@link ControlGate}).
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    /** Every control attempt, accepted or not, is written here: who, when, from where, what, outcome. */
    private static final Logger AUDIT = LoggerFactory.getLogger("dev.modehop.dashboard.audit");
    private static final int MAX_BODY = 16 * 1024;

    private final DashboardSettings settings;
    private final Topics topics;
    private final RunViews views;
    private final ControlGate gate;
    private final HostCheck hostCheck;
    private final AtomicInteger refusedHosts = new AtomicInteger();
    private final Connectivity connectivity;
    private final StaticAssets assets = new StaticAssets();
    private final EventStream events = new EventStream(10_000);
    private final ExecutorService httpThreads;
    private final HttpServer http;
    private final TopicTail tail;
    private final KafkaProducer<String, ControlCommand> controlProducer;
    /** Averaging requests, encoded by the topic's serde before sending. */
    private final KafkaProducer<String, byte[]> requestProducer;
    /** Null without {@code dashboard.streams.url}: a run's current state then comes from the folded topics. */
    private final StreamsQueryClient streamsQueries;
    private String url;

    private DashboardServer(DashboardSettings settings) throws IOException {
        this.settings = settings;
        this.topics = Topics.create(settings.topicPrefix(), settings.serdeConfig());
        this.gate = new ControlGate(settings.controlToken(), settings.readToken());
        this.hostCheck = new HostCheck(settings.host(), settings.allowedHosts());
        this.streamsQueries = settings.streamsUrl() == null ? null
                : new StreamsQueryClient(settings.streamsUrl(), settings.readToken());
        this.views = new RunViews(RunViews.Limits.defaults(), settings.idleAfter(), System::currentTimeMillis);
        AtomicInteger threadCount = new AtomicInteger();
        this.httpThreads = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "dashboard-http-" + threadCount.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.controlProducer = gate.readOnly() ? null : producer(settings, "-control",
                topics.runControl.valueSerde().serializer());
        this.requestProducer = gate.readOnly() ? null : producer(settings, "-requests",
                new org.apache.kafka.common.serialization.ByteArraySerializer());
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()),
                64);
        http.setExecutor(httpThreads);
        http.createContext("/", this::route);
        this.tail = new TopicTail(consumerConfig(settings), topics.all(), settings.topicPrefix(), views,
                this::changed);
        this.connectivity = new Connectivity(consumerConfig(settings), settings.registryUrl(),
                java.time.Duration.ofSeconds(3));
    }

    /**
     * Starts a dashboard against any Kafka cluster and Confluent-protocol schema registry.
     *
     * @param bootstrap    Kafka bootstrap servers
     * @param registryUrl  schema registry base URL
     * @param topicPrefix  topic name prefix, empty or null for none
     * @param port         HTTP port on 127.0.0.1, 0 for any free one
     * @param controlToken bearer token required for control actions, and then for reads too; null for a
     *                     read-only dashboard that anyone reaching the port may read
     */
    public static DashboardServer start(String bootstrap, String registryUrl, String topicPrefix, int port,
                                        String controlToken) {
        return start(DashboardSettings.builder(bootstrap, registryUrl).topicPrefix(topicPrefix)
                .host("127.0.0.1").port(port).controlToken(controlToken).build());
    }

    public static DashboardServer start(DashboardSettings settings) {
        DashboardServer server;
        try {
            server = new DashboardServer(settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the dashboard on " + settings.host() + ":" + settings.port(),
                    e);
        }
        server.http.start();
        server.url = server.publicUrl();
        server.tail.start();
        System.out.println("dashboard: " + server.url());
        LOG.info("dashboard up at {} ({}, {}), answering Host {}, reading {} topics with prefix '{}'", server.url(),
                server.gate.readOnly() ? "read-only" : "control actions need the token",
                server.gate.readsGuarded() ? "reads need a token" : "reads open", server.hostCheck.allowed(),
                server.topics.all().size(), settings.topicPrefix());
        return server;
    }

    /** {@code http://HOST:PORT/}; a wildcard bind address is shown as this machine's name. */
    public String url() {
        return url;
    }

    private String publicUrl() {
        String host = settings.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
        }
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/";
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public boolean readOnly() {
        return gate.readOnly();
    }

    /** The in-memory view, for embedding (e.g. the launcher's status output). */
    public RunViews views() {
        return views;
    }

    private void changed(String runId, Set<String> changedTopics) {
        ObjectNode payload = HttpResponses.JSON.createObjectNode();
        payload.put("runId", runId);
        changedTopics.forEach(payload.putArray("topics")::add);
        payload.put("lastStep", views.lastStep(runId));
        events.publish("update", payload.toString());
    }

    private void route(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getRawPath();
            String method = ex.getRequestMethod();
            if (!hostCheck.hostAllowed(ex.getRequestHeaders().getFirst("Host"))) {
                // DNS rebinding: a foreign name pointed at this address; answer nothing about the runs (and log
                // only the first few, so a page hammering the port cannot flood the log)
                if (refusedHosts.incrementAndGet() <= 20) {
                    LOG.warn("refused a request for Host '{}' from {} (first 20 logged)",
                            printable(ex.getRequestHeaders().getFirst("Host")), ex.getRemoteAddress());
                }
                HttpResponses.json(ex, 403, HttpResponses.error("this dashboard does not answer to that Host name"));
                return;
            }
            if (path.startsWith("/api/")) {
                api(ex, method, path);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                HttpResponses.json(ex, 405, HttpResponses.error("method not allowed"));
                return;
            }
            Optional<StaticAssets.Asset> asset = assets.get(path);
            if (asset.isPresent()) {
                HttpResponses.bytes(ex, 200, asset.get().contentType(), asset.get().body());
            } else {
                HttpResponses.json(ex, 404, HttpResponses.error("not found"));
            }
        } catch (IOException e) {
            ex.close();
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("dashboard request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
            HttpResponses.json(ex, 500, HttpResponses.error("internal error"));
        }
    }

    private void api(HttpExchange ex, String method, String path) throws IOException {
        List<String> parts = segments(path.substring("/api/".length()));
        boolean get = method.equals("GET") || method.equals("HEAD");
        if (parts.equals(List.of("info")) && get) {
            ObjectNode info = HttpResponses.JSON.createObjectNode();
            info.put("readOnly", gate.readOnly());
            info.put("readsGuarded", gate.readsGuarded());
            info.put("topicPrefix", settings.topicPrefix());
            info.put("idleAfterSeconds", settings.idleAfter().toSeconds());
            HttpResponses.json(ex, 200, info);
            return;
        }
        boolean control = parts.size() == 3 && parts.get(0).equals("runs")
                && (parts.get(2).equals("control") || parts.get(2).equals("averaging"));
        // control requests check their own token (which also allows reading); everything else needs a read token
        if (!control && gate.checkRead(ex.getRequestHeaders().getFirst("Authorization"))
                != ControlGate.Decision.ALLOWED) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"modehop\"");
            HttpResponses.json(ex, 401, HttpResponses.error("this dashboard needs a token to read "
                    + "(Authorization: Bearer <read or control token>)"));
            return;
        }
        if (parts.equals(List.of("events")) && method.equals("GET")) {
            events.open(ex);
        } else if (parts.equals(List.of("status")) && get) {
            ObjectNode status = HttpResponses.JSON.createObjectNode();
            connectivity.putJson(status);
            status.put("pagesListening", events.clientCount());
            HttpResponses.json(ex, 200, status);
        } else if (parts.equals(List.of("runs")) && get) {
            HttpResponses.json(ex, 200, views.runsJson());
        } else if (parts.size() == 2 && parts.get(0).equals("runs") && get) {
            Optional<ObjectNode> run = views.runJson(parts.get(1));
            if (run.isPresent()) {
                HttpResponses.json(ex, 200, run.get());
            } else {
                HttpResponses.json(ex, 404, HttpResponses.error("unknown run " + parts.get(1)));
            }
        } else if (parts.size() == 3 && parts.get(0).equals("runs") && parts.get(2).equals("current") && get) {
            current(ex, parts.get(1));
        } else if (parts.size() == 4 && parts.get(0).equals("runs") && parts.get(2).equals("checkpoints") && get) {
            long step;
            try {
                step = Long.parseLong(parts.get(3));
            } catch (NumberFormatException e) {
                HttpResponses.json(ex, 400, HttpResponses.error("a step is a whole number"));
                return;
            }
            Optional<ObjectNode> checkpoint = views.checkpointJson(parts.get(1), step);
            if (checkpoint.isPresent()) {
                HttpResponses.json(ex, 200, checkpoint.get());
            } else {
                HttpResponses.json(ex, 404, HttpResponses.error("no checkpoint " + step + " in run " + parts.get(1)));
            }
        } else if (control) {
            if (!method.equals("POST")) {
                ex.getResponseHeaders().set("Allow", "POST");
                HttpResponses.json(ex, 405, HttpResponses.error("use POST"));
            } else if (parts.get(2).equals("averaging")) {
                averaging(ex, parts.get(1));
            } else {
                control(ex, parts.get(1));
            }
        } else {
            HttpResponses.json(ex, 404, HttpResponses.error("not found"));
        }
    }

    /**
     * A state-changing request's body as read before its checks: {@code raw} null when too large, {@code body}
     * null when not JSON (reported after the token check, so that anonymous callers learn nothing), and who
     * the caller says they are.
     */
    private record Posted(String remote, byte[] raw, JsonNode body, String claimedUser) {
        static Posted read(HttpExchange ex) throws IOException {
            byte[] raw = readBody(ex);
            JsonNode body = null;
            try {
                body = raw == null ? null : HttpResponses.JSON.readTree(raw);
            } catch (IOException e) {
                // see above
            }
            String user = body != null && body.has("issuedBy") ? body.path("issuedBy").asText()
                    : ex.getRequestHeaders().getFirst("X-Modehop-User");
            return new Posted(String.valueOf(ex.getRemoteAddress()), raw, body, user);
        }
    }

    /** The run's current state: from the Streams job when its query URL is set, else from the folded topics. */
    private void current(HttpExchange ex, String runId) throws IOException {
        if (streamsQueries == null) {
            Optional<ObjectNode> run = views.runJson(runId);
            if (run.isPresent()) {
                HttpResponses.json(ex, 200, CurrentState.fromView(run.get()));
            } else {
                HttpResponses.json(ex, 404, HttpResponses.error("unknown run " + runId));
            }
            return;
        }
        try {
            Optional<JsonNode> summary = streamsQueries.run(runId);
            if (summary.isPresent()) {
                HttpResponses.json(ex, 200, CurrentState.fromStreams(summary.get()));
            } else {
                HttpResponses.json(ex, 404, HttpResponses.error("the Streams job holds no run " + runId));
            }
        } catch (StreamsQueryClient.Unavailable e) {
            HttpResponses.json(ex, 502, HttpResponses.error(e.getMessage()));
        }
    }

    private void control(HttpExchange ex, String runId) throws IOException {
        Posted posted = Posted.read(ex);
        String remote = posted.remote();
        byte[] raw = posted.raw();
        JsonNode body = posted.body();
        String claimedUser = posted.claimedUser();
        String action = body == null ? "?" : body.path("action").asText("?");
        if (!allowed(ex, runId, action, claimedUser, remote)) {
            return;
        }
        ControlRequest request;
        try {
            if (raw == null) {
                throw new ControlRequest.Invalid("body larger than " + MAX_BODY + " bytes");
            }
            request = ControlRequest.parse(body, ex.getRequestHeaders().getFirst("X-Modehop-User"));
        } catch (ControlRequest.Invalid e) {
            AUDIT.warn("control INVALID run={} by={} from={} at={}: {}", runId, printable(claimedUser), remote,
                    Instant.now(), e.getMessage());
            HttpResponses.json(ex, 400, HttpResponses.error(e.getMessage()));
            return;
        }
        if (!views.contains(runId)) {
            HttpResponses.json(ex, 404, HttpResponses.error("unknown run " + runId));
            return;
        }
        Instant now = Instant.now();
        ControlCommand command = ControlCommand.newBuilder()
                .setId("dashboard/" + runId + "/" + UUID.randomUUID())
                .setRunId(runId)
                .setAction(request.action())
                .setMixture(new HashMap<>(request.mixture()))
                .setReason(request.reason().isEmpty() ? "from the dashboard" : request.reason())
                .setIssuedBy(request.issuedBy())
                .setStep(views.lastStep(runId))
                .setIssuedAt(now.toEpochMilli())
                .build();
        try {
            RecordMetadata written = controlProducer.send(new ProducerRecord<>(topics.runControl.name(), runId, command))
                    .get(30, TimeUnit.SECONDS);
            AUDIT.info("control SENT id={} run={} action={} mixture={} by={} from={} at={} -> {}-{}@{}",
                    command.getId(), runId, request.action(), request.mixture(), request.issuedBy(), remote, now,
                    written.topic(), written.partition(), written.offset());
            ObjectNode reply = HttpResponses.JSON.createObjectNode();
            reply.put("id", command.getId());
            reply.put("action", request.action().name());
            reply.put("issuedBy", request.issuedBy());
            reply.put("issuedAt", now.toEpochMilli());
            reply.put("topic", written.topic());
            HttpResponses.json(ex, 202, reply);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            HttpResponses.json(ex, 503, HttpResponses.error("interrupted"));
        } catch (Exception e) {
            AUDIT.error("control FAILED id={} run={} action={} by={} at={}: {}", command.getId(), runId,
                    request.action(), request.issuedBy(), now, e.toString());
            HttpResponses.json(ex, 502, HttpResponses.error("could not write the command to Kafka: " + e.getMessage()));
        }
    }

    /**
     * The checks every state-changing request passes (control commands, averaging requests): same origin and the
     * control token; a refusal is answered and audited here.
     */
    private boolean allowed(HttpExchange ex, String runId, String action, String claimedUser, String remote)
            throws IOException {
        if (!hostCheck.sameOrigin(ex.getRequestHeaders().getFirst("Origin"), ex.getRequestHeaders().getFirst("Host"))) {
            AUDIT.warn("control REJECTED (403, foreign Origin {}) run={} action={} by={} from={} at={}",
                    printable(ex.getRequestHeaders().getFirst("Origin")), runId, printable(action),
                    printable(claimedUser), remote, Instant.now());
            HttpResponses.json(ex, 403, HttpResponses.error("control requests from another site's page are refused"));
            return false;
        }

        ControlGate.Decision decision = gate.check(ex.getRequestHeaders().getFirst("Authorization"));
        if (decision != ControlGate.Decision.ALLOWED) {
            String why = decision == ControlGate.Decision.READ_ONLY
                    ? "this dashboard is read-only (started without a control token)"
                    : "a valid control token is required (Authorization: Bearer <token>)";
            AUDIT.warn("control REJECTED ({}) run={} action={} by={} from={} at={}", decision.httpStatus, runId,
                    printable(action), printable(claimedUser), remote, Instant.now());
            if (decision == ControlGate.Decision.UNAUTHORIZED) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"modehop\"");
            }
            HttpResponses.json(ex, decision.httpStatus, HttpResponses.error(why));
            return false;
        }
        return true;
    }

    /**
     * {@code POST /api/runs/{id}/averaging {step, checkpoints?, issuedBy}}: an AveragingRequest for the scorers
     * (the averaging and one-step tests of the hop at that step); the result appears on hop.averaging.
     */
    private void averaging(HttpExchange ex, String runId) throws IOException {
        Posted posted = Posted.read(ex);
        String remote = posted.remote();
        JsonNode body = posted.body();
        String claimedUser = posted.claimedUser();
        if (!allowed(ex, runId, "AVERAGING", claimedUser, remote)) {
            return;
        }
        if (body == null || !body.path("step").canConvertToLong() || body.path("step").asLong() < 0) {
            HttpResponses.json(ex, 400, HttpResponses.error("body must be JSON with a whole 'step' >= 0"));
            return;
        }
        int checkpoints = body.path("checkpoints").asInt(0);
        if (checkpoints != 0 && (checkpoints < 2 || checkpoints > dev.modehop.core.AveragingOutcome.MAX_CHECKPOINTS)) {
            HttpResponses.json(ex, 400, HttpResponses.error("'checkpoints' must be 2 to "
                    + dev.modehop.core.AveragingOutcome.MAX_CHECKPOINTS));
            return;
        }
        if (claimedUser == null || claimedUser.isBlank()) {
            HttpResponses.json(ex, 400, HttpResponses.error("say who you are ('issuedBy')"));
            return;
        }
        if (!views.contains(runId)) {
            HttpResponses.json(ex, 404, HttpResponses.error("unknown run " + runId));
            return;
        }
        long step = body.path("step").asLong();
        Instant now = Instant.now();
        AveragingRequest request = AveragingRequest.newBuilder()
                .setId(dev.modehop.core.Ids.averagingRequest(runId, step, checkpoints, now.toEpochMilli()))
                .setRunId(runId).setHopStep(step).setCheckpoints(checkpoints)
                .setRequestedBy("dashboard " + printable(claimedUser)).setRequestedAt(now.toEpochMilli()).build();
        try {
            byte[] value = topics.averagingRequested.valueSerde().serializer()
                    .serialize(topics.averagingRequested.name(), request);
            RecordMetadata written = requestProducer.send(new ProducerRecord<>(topics.averagingRequested.name(), runId,
                    value)).get(30, TimeUnit.SECONDS);
            AUDIT.info("averaging SENT id={} run={} step={} by={} from={} at={} -> {}-{}@{}", request.getId(), runId,
                    step, printable(claimedUser), remote, now, written.topic(), written.partition(), written.offset());
            ObjectNode reply = HttpResponses.JSON.createObjectNode();
            reply.put("id", request.getId());
            reply.put("action", "AVERAGING");
            reply.put("step", step);
            reply.put("topic", written.topic());
            HttpResponses.json(ex, 202, reply);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            HttpResponses.json(ex, 503, HttpResponses.error("interrupted"));
        } catch (Exception e) {
            AUDIT.error("averaging FAILED id={} run={} by={} at={}: {}", request.getId(), runId, printable(claimedUser),
                    now, e.toString());
            HttpResponses.json(ex, 502, HttpResponses.error("could not write the request to Kafka: " + e.getMessage()));
        }
    }

    /** The body, or null when it is larger than {@link #MAX_BODY}. */
    private static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            return body.length > MAX_BODY ? null : body;
        }
    }

    private static String printable(String s) {
        if (s == null) {
            return "-";
        }
        String clean = s.replaceAll("\\p{Cntrl}", " ");
        return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                // path segments: '+' is a literal plus, only %XX escapes are decoded
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static Properties consumerConfig(DashboardSettings s) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, s.groupId());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, s.groupId());
        p.putAll(s.kafkaOverrides());
        return p;
    }

    private static <V> KafkaProducer<String, V> producer(DashboardSettings s, String clientSuffix,
                                                         org.apache.kafka.common.serialization.Serializer<V> values) {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, s.groupId() + clientSuffix);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.putAll(s.kafkaOverrides());
        return new KafkaProducer<>(p, new org.apache.kafka.common.serialization.StringSerializer(), values);
    }

    @Override
    public void close() {
        http.stop(0);
        events.close();
        tail.close();
        connectivity.close();
        if (controlProducer != null) {
            controlProducer.close(java.time.Duration.ofSeconds(5));
            requestProducer.close(java.time.Duration.ofSeconds(5));
        }
        httpThreads.shutdownNow();
        LOG.info("dashboard at {} closed", url());
    }
}
