package dev.modehop.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.core.AlertRules;
import dev.modehop.core.MonitorConfig;
import dev.modehop.core.RunMonitor;
import dev.modehop.embedded.EmbeddedKafka;
import dev.modehop.embedded.EmbeddedSchemaRegistry;
import dev.modehop.events.CheckpointPredictors;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.DataWindow;
import dev.modehop.events.RunFinished;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import dev.modehop.streams.MonitorStreamsJob;
import dev.modehop.schemas.ProbeScores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on a real broker: planted scores go through the real Kafka Streams job, its output reaches
 * the dashboard's consumer, and the API, the event stream, the control endpoint and (where Chromium and the
 * e2e node_modules exist) the page in a real browser show it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardEndToEndTest {
    private static final String RUN = "toy-run";
    private static final String TOKEN = "e2e-token";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;
    static EmbeddedKafka kafka;
    static EmbeddedSchemaRegistry registry;
    static Topics topics;
    static MonitorStreamsJob job;
    static dev.modehop.streams.MonitorQueryServer queries;
    static DashboardServer dashboard;
    static KafkaProducer<String, byte[]> producer;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void startStackAndReplayAPlantedHop() throws Exception {
        kafka = EmbeddedKafka.start();
        registry = EmbeddedSchemaRegistry.start();
        topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, registry.url()));
        kafka.createTopics(topics.allNamesWithDlq(), 1);
        RunMonitor monitor = new RunMonitor(MonitorConfig.builder().rules(AlertRules.parse(
                "steer: when flipped hops to PARROT and is STABLE then alert WARN, adjust-mixture icl=0.9 iwl=0.1"))
                .build());
        queries = dev.modehop.streams.MonitorQueryServer.bind("127.0.0.1", 0, null, null);
        job = MonitorStreamsJob.start(topics, monitor, MonitorStreamsJob.config(kafka.bootstrapServers(),
                "dashboard-e2e", temp.resolve("streams").toString(),
                Map.of("application.server", queries.applicationServer())));
        queries.serve(job);
        dashboard = DashboardServer.start(kafka.bootstrapServers(), registry.url(), "", 0, TOKEN);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());

        send(topics.dataWindowClosed, window("w0", 0, 100, 0.9));
        send(topics.dataWindowClosed, window("w1", 100, 300, 0.1));
        double[] accuracy = {0.97, 0.98, 0.03, 0.02, 0.04};
        for (int i = 0; i < accuracy.length; i++) {
            checkpoint(50L * (i + 1), accuracy[i]);
            // the scorer's predictors of the same checkpoint; the activations' rank drops with the hop
            send(topics.checkpointPredictors, predictors(50L * (i + 1), 30 + i, accuracy[i] > 0.5 ? 40 - i : 12 + i));
        }
        // step 100 scored again: the later record wins
        send(topics.checkpointPredictors, predictors(100, 31, 45));
        producer.flush();
        awaitRun(run -> run.path("hops").size() == 1
                && run.path("hops").get(0).path("stability").asText().equals("STABLE")
                && run.path("leaderboard").has("entries") && run.path("controls").size() >= 1);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {producer, dashboard, queries, job, registry, kafka}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("close failed: " + e);
            }
        }
    }

    @Test
    @Order(1)
    void apiShowsTheHopItsVerdictWindowsLeaderboardAndTheJobsResponse() throws Exception {
        JsonNode runs = get("/api/runs");
        JsonNode summary = runs.path("runs").get(0);
        assertEquals(RUN, summary.path("runId").asText());
        assertEquals(250, summary.path("lastStep").asLong());
        assertEquals(List.of("flipped"), List.of(summary.path("families").get(0).asText()));
        assertEquals(1, summary.path("hopsByVerdict").path("STABLE").asInt());

        JsonNode run = get("/api/runs/" + RUN);
        JsonNode hop = run.path("hops").get(0);
        assertEquals(150, hop.path("step").asLong());
        assertEquals("GENERALIZING", hop.path("from").asText());
        assertEquals("PARROT", hop.path("to").asText());
        assertEquals("w1", hop.path("windows").get(0).path("windowId").asText());
        JsonNode points = run.path("series").get(0).path("points");
        assertEquals(5, points.size());
        assertEquals("GENERALIZING", points.get(0).path("mode").asText());
        assertEquals("PARROT", points.get(4).path("mode").asText());
        assertEquals(150_000, points.get(2).path("tokens").asLong());
        assertEquals(0.9, run.path("windows").get(0).path("mixture").path("icl").asDouble());
        assertTrue(run.path("best").path("step").asLong() <= 100, "a generalizing checkpoint ranks best");
        assertTrue(run.path("alerts").size() >= 1, "the rule raised an alert");
        assertEquals("ADJUST_MIXTURE", run.path("controls").get(0).path("action").asText());
        assertEquals(404, send("GET", "/api/runs/nope", null, TOKEN).statusCode());
        // with a control token configured, reading needs a token too
        assertEquals(401, send("GET", "/api/runs/" + RUN, null, null).statusCode());
        assertEquals(401, send("GET", "/api/runs", null, "wrong").statusCode());
    }

    @Test
    @Order(1)
    void apiShowsTheScorersPredictorsPerStep() throws Exception {
        JsonNode predictors = awaitRun(r -> r.path("predictors").size() == 5
                && r.path("predictors").get(1).path("rankMe").asDouble() == 45).path("predictors");
        for (int i = 0; i < 5; i++) {
            JsonNode p = predictors.get(i);
            assertEquals(50L * (i + 1), p.path("step").asLong(), predictors.toString());
            assertEquals(1, p.path("layer").asInt());
            assertEquals(i == 1 ? 31.0 : 30.0 + i, p.path("parameterL2Norm").asDouble());
            assertTrue(p.path("participationRatio").isNumber(), p.toString());
        }
        assertEquals(12 + 2, predictors.get(2).path("rankMe").asDouble());
    }

    @Test
    @Order(1)
    void apiShowsTheApplicationsSourceStatisticsPredictorTestAndLeaderboardExplanation() throws Exception {
        // the predictor test is republished per checkpoint: wait for the one that has seen all five
        JsonNode run = awaitRun(r -> r.path("predictorTests").size() == 3 && r.path("sourceStatistics").isObject()
                && allSawFiveCheckpoints(r.path("predictorTests")));
        // the job published the source statistics of the hop to PARROT after the ICL-poor window w1
        JsonNode sources = run.path("sourceStatistics");
        assertEquals(1, sources.path("hopsCounted").asInt(), sources.toString());
        JsonNode iwl = null;
        for (JsonNode m : sources.path("moves")) {
            if (m.path("source").asText().equals("iwl")) {
                iwl = m;
            }
        }
        assertEquals("PARROT", iwl.path("toward").asText());
        assertEquals(0.9, iwl.path("meanWeight").asDouble(), 1e-9);
        assertTrue(iwl.path("zScore").isNull(), "one hop: nothing to contrast");
        // the predictor test: one row per predictor for the one family, a random baseline beside each r
        for (JsonNode t : run.path("predictorTests")) {
            assertEquals("flipped", t.path("family").asText());
            assertEquals(5, t.path("checkpoints").asInt(), t.toString());
            assertTrue(t.path("baselineP95").asDouble() > t.path("baselineMean").asDouble(), t.toString());
            assertEquals(Math.abs(t.path("correlation").asDouble()) > t.path("baselineP95").asDouble(),
                    t.path("beatsBaseline").asBoolean(), t.toString());
        }
        // the leaderboard explains each entry and names its folder
        JsonNode best = run.path("leaderboard").path("entries").get(0);
        assertEquals("/ckpt/" + RUN + "/" + best.path("step").asLong(), best.path("folder").asText());
        JsonNode family = best.path("families").get(0);
        assertEquals("flipped", family.path("family").asText());
        assertEquals(best.path("score").asDouble(), family.path("contribution").asDouble(), 1e-9, "one family: all of it");
        assertEquals(0, run.path("dataSelection").path("windows").size(), "no stable move toward GENERALIZING");
    }

    @Test
    @Order(2)
    void theEventStreamAnnouncesANewCheckpoint() throws Exception {
        HttpResponse<Stream<String>> stream = HTTP.send(HttpRequest.newBuilder(uri("/api/events"))
                        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals("text/event-stream; charset=utf-8",
                stream.headers().firstValue("Content-Type").orElse(""));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try {
                stream.body().forEach(seen::add);
            } catch (java.io.UncheckedIOException closedByTheTest) {
                // expected when the test closes the stream
            }
        });
        reader.setDaemon(true);
        reader.start();
        awaitTrue(() -> seen.stream().anyMatch(l -> l.equals("event: hello")), "the stream says hello");
        checkpoint(300, 0.03);
        producer.flush();
        awaitTrue(() -> seen.stream().anyMatch(l -> l.startsWith("data:") && l.contains("\"runId\":\"" + RUN + "\"")
                && l.contains("\"lastStep\":300")), "an update event for step 300");
        stream.body().close();
    }

    @Test
    @Order(3)
    void controlActionsNeedTheTokenAndAreProducedWithTheCallersName() throws Exception {
        String pause = "{\"action\":\"PAUSE\",\"issuedBy\":\"alice\",\"reason\":\"checking the dip\"}";
        assertEquals(401, send("POST", "/api/runs/" + RUN + "/control", pause, null).statusCode());
        assertEquals(401, send("POST", "/api/runs/" + RUN + "/control", pause, "wrong").statusCode());
        assertEquals(400, send("POST", "/api/runs/" + RUN + "/control", "{\"action\":\"PAUSE\"}", TOKEN)
                .statusCode());
        HttpResponse<String> accepted = send("POST", "/api/runs/" + RUN + "/control", pause, TOKEN);
        assertEquals(202, accepted.statusCode(), accepted.body());
        String id = JSON.readTree(accepted.body()).path("id").asText();
        assertTrue(id.startsWith("dashboard/" + RUN + "/"), id);

        // the command went to run.control: the dashboard reads it back from there
        JsonNode run = awaitRun(r -> r.path("state").asText().equals("PAUSED"));
        JsonNode command = run.path("controls").get(0);
        assertEquals(id, command.path("id").asText());
        assertEquals("alice", command.path("issuedBy").asText());
        assertEquals("checking the dip", command.path("reason").asText());

        // the averaging test: the same token, a request for the scorers on hop.averaging.requested
        String averaging = "{\"step\":650,\"issuedBy\":\"alice\"}";
        assertEquals(401, send("POST", "/api/runs/" + RUN + "/averaging", averaging, null).statusCode());
        assertEquals(400, send("POST", "/api/runs/" + RUN + "/averaging", "{\"issuedBy\":\"alice\"}", TOKEN)
                .statusCode());
        HttpResponse<String> asked = send("POST", "/api/runs/" + RUN + "/averaging", averaging, TOKEN);
        assertEquals(202, asked.statusCode(), asked.body());
        assertEquals(topics.averagingRequested.name(), JSON.readTree(asked.body()).path("topic").asText());
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, dev.modehop.events.AveragingRequest>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", "averaging-check",
                        "auto.offset.reset", "earliest"), new org.apache.kafka.common.serialization.StringDeserializer(),
                topics.averagingRequested.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.averagingRequested.name()));
            dev.modehop.events.AveragingRequest request = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (request == null && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    request = r.value();
                }
            }
            assertTrue(request != null, "the request reached hop.averaging.requested");
            assertEquals(RUN, request.getRunId());
            assertEquals(650, request.getHopStep());
            assertEquals("dashboard alice", request.getRequestedBy());
        }

        try (DashboardServer readOnly = DashboardServer.start(kafka.bootstrapServers(), registry.url(), "", 0, null)) {
            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(
                            URI.create(readOnly.url() + "api/runs/" + RUN + "/control"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(pause)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, refused.statusCode());
        }
    }

    @Test
    @Order(4)
    void aRealBrowserShowsTheHopUpdatesLiveAndShowsARejectedControlAction() throws Exception {
        BrowserCheck.assumeBrowser();
        long liveStep = dashboard.views().lastStep(RUN) + 50;
        Path screenshot = Path.of("target", "screenshots", "dashboard-live.png").toAbsolutePath();
        Files.createDirectories(screenshot.getParent());
        BrowserCheck.run("dashboard-check.mjs", List.of(dashboard.url(), Long.toString(liveStep), screenshot.toString(),
                TOKEN), line -> {
                    if (line.equals("READY_FOR_LIVE_EVENT")) {
                        checkpoint(liveStep, 0.02);
                        producer.flush();
                    }
                }, 180);
        assertTrue(Files.size(screenshot) > 0);
        // the rejected action produced nothing: the only dashboard command is the one test 3 sent with the token
        JsonNode controls = get("/api/runs/" + RUN).path("controls");
        controls.forEach(c -> assertTrue(!c.path("issuedBy").asText().equals("e2e-browser"), c.toString()));
    }

    @Test
    @Order(5)
    void aRunIsFinishedWhenItsProducerSaysSo() throws Exception {
        long last = dashboard.views().lastStep(RUN);
        send(topics.runFinished, RunFinished.newBuilder().setRunId(RUN).setStep(last).setReason("completed")
                .setProducedAt(System.currentTimeMillis()).build());
        producer.flush();
        JsonNode run = awaitRun(r -> r.path("state").asText().equals("FINISHED"));
        assertEquals(last, run.path("finished").path("step").asLong());
        assertEquals("completed", run.path("finished").path("reason").asText());
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    static void checkpoint(long step, double accuracy) {
        send(topics.checkpointReady, CheckpointReady.newBuilder().setRunId(RUN).setStep(step).setTokensSeen(step * 1000)
                .setUri("/ckpt/" + RUN + "/" + step).setProducedAt(step).build());
        send(topics.probeScored, ProbeScores.counted(RUN, step, "toy", "flipped", "main", 512, accuracy,
                1.6 * accuracy - 0.8).setSeedCount(4).setScorerId("test").setProducedAt(step).build());
    }

    static CheckpointPredictors predictors(long step, double norm, double rankMe) {
        return CheckpointPredictors.newBuilder().setId(RUN + "/" + step + "/predictors").setRunId(RUN).setStep(step)
                .setSuite("toy").setParameterL2Norm(norm).setLayer(1).setPrompts(256).setRankMe(rankMe)
                .setParticipationRatio(rankMe / 5).setScorerId("test").setProducedAt(step).build();
    }

    static DataWindow window(String id, long start, long end, double icl) {
        return DataWindow.newBuilder().setRunId(RUN).setWindowId(id).setStartStep(start).setEndStep(end)
                .setMixture(Map.of("icl", icl, "iwl", 1 - icl)).build();
    }

    static <V> void send(Topic<V> topic, V value) {
        producer.send(new ProducerRecord<>(topic.name(), RUN, topic.valueSerde().serializer().serialize(topic.name(),
                value)));
    }

    @Test
    @Order(1)
    void aRunsCurrentStateFromTheStreamsJobIsTheOneFoldedFromTheTopics() throws Exception {
        JsonNode folded = get("/api/runs/" + RUN + "/current");
        assertEquals("topics", folded.path("source").asText());
        try (DashboardServer asking = DashboardServer.start(DashboardSettings
                .builder(kafka.bootstrapServers(), registry.url()).streamsUrl("http://127.0.0.1:" + queries.port())
                .build())) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(asking.url()).resolve("/api/runs/" + RUN
                    + "/current")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            ObjectNode fromStreams = (ObjectNode) new ObjectMapper().readTree(r.body());
            assertEquals("streams", fromStreams.path("source").asText());
            assertEquals(queries.applicationServer(), fromStreams.path("servedBy").asText());
            assertEquals(1, fromStreams.path("hops").size());
            assertEquals("PARROT", fromStreams.path("currentModes").get(0).path("mode").asText());
            fromStreams.remove(List.of("source", "servedBy"));
            ObjectNode fromTopics = folded.deepCopy();
            fromTopics.remove("source");
            assertEquals(fromTopics, fromStreams, "the job's state and the dashboard's fold agree");
            HttpResponse<String> unknown = HTTP.send(HttpRequest.newBuilder(URI.create(asking.url()).resolve(
                    "/api/runs/nope/current")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, unknown.statusCode());
        }
        try (DashboardServer unreachable = DashboardServer.start(DashboardSettings.builder(kafka.bootstrapServers(),
                registry.url()).streamsUrl("http://127.0.0.1:1").build())) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(unreachable.url()).resolve("/api/runs/"
                    + RUN + "/current")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(502, r.statusCode(), "a Streams job that does not answer is said so, not hidden: " + r.body());
        }
    }

    static URI uri(String path) {
        return URI.create(dashboard.url()).resolve(path);
    }

    static HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = send("GET", path, null, TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static boolean allSawFiveCheckpoints(JsonNode tests) {
        for (JsonNode t : tests) {
            if (t.path("checkpoints").asInt() != 5) {
                return false;
            }
        }
        return true;
    }

    static JsonNode awaitRun(Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send("GET", "/api/runs/" + RUN, null, TOKEN);
            if (r.statusCode() == 200) {
                last = JSON.readTree(r.body());
                if (condition.test(last)) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the dashboard never showed the expected state; last view: " + last);
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
