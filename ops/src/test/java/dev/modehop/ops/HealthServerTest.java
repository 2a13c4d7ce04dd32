package dev.modehop.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthServerTest {

    private ServiceMetrics metrics;
    private HealthServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        metrics = new ServiceMetrics("test-service");
        server = HealthServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics);
    }

    @AfterEach
    void stop() {
        server.close();
        metrics.close();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void liveWithoutChecks() throws Exception {
        HttpResponse<String> r = get(HealthServer.LIVE_PATH);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"status\":\"UP\""), r.body());
    }

    @Test
    void notReadyUntilAChecksIsRegistered() throws Exception {
        assertEquals(503, get(HealthServer.READY_PATH).statusCode());
    }

    @Test
    void readyFollowsAllChecks() throws Exception {
        AtomicBoolean streamsRunning = new AtomicBoolean(false);
        AtomicBoolean pollLoopAlive = new AtomicBoolean(true);
        server.addReadinessCheck("kafka-streams", streamsRunning::get)
                .addReadinessCheck("poll-loop", pollLoopAlive::get);

        HttpResponse<String> down = get(HealthServer.READY_PATH);
        assertEquals(503, down.statusCode());
        assertTrue(down.body().contains("\"kafka-streams\":\"DOWN\""), down.body());
        assertTrue(down.body().contains("\"poll-loop\":\"UP\""), down.body());

        streamsRunning.set(true);
        HttpResponse<String> up = get(HealthServer.READY_PATH);
        assertEquals(200, up.statusCode());
        assertEquals("application/json", up.headers().firstValue("Content-Type").orElse(""));
        assertTrue(server.isReady());

        pollLoopAlive.set(false);
        assertEquals(503, get(HealthServer.READY_PATH).statusCode());
    }

    @Test
    void throwingCheckCountsAsDown() throws Exception {
        server.addReadinessCheck("broken", () -> {
            throw new IllegalStateException("boom");
        });
        assertEquals(503, get(HealthServer.READY_PATH).statusCode());
    }

    @Test
    void failingLivenessCheckGives503() throws Exception {
        server.addLivenessCheck("engine", () -> false);
        assertEquals(503, get(HealthServer.LIVE_PATH).statusCode());
    }

    @Test
    void metricsExposeRegisteredMetersInPrometheusFormat() throws Exception {
        metrics.eventsIn("modehop.probe.scored").increment(3);
        metrics.eventsOut("modehop.hop.detected").increment();
        metrics.dlqRecords("modehop.probe.scored").increment(2);
        metrics.hopsDetected("DOWN").increment();
        metrics.scoringItems().increment(500);
        metrics.checkpointLatency("scored").record(Duration.ofMillis(1500));

        HttpResponse<String> r = get(HealthServer.METRICS_PATH);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String body = r.body();
        assertContains(body, "modehop_events_in_total{service=\"test-service\",topic=\"modehop.probe.scored\"} 3.0");
        assertContains(body, "modehop_events_out_total{service=\"test-service\",topic=\"modehop.hop.detected\"} 1.0");
        assertContains(body, "modehop_dlq_records_total{service=\"test-service\",topic=\"modehop.probe.scored\"} 2.0");
        assertContains(body, "modehop_hops_detected_total{direction=\"DOWN\",service=\"test-service\"} 1.0");
        assertContains(body, "modehop_scoring_items_total{service=\"test-service\"} 500.0");
        assertContains(body, "modehop_checkpoint_latency_seconds_count{service=\"test-service\",stage=\"scored\"} 1");
        assertContains(body, "modehop_checkpoint_latency_seconds_bucket{");
        assertContains(body, "jvm_memory_used_bytes");
    }

    @Test
    void headAndWrongMethodsAndUnknownPaths() throws Exception {
        HttpResponse<String> head = send(HttpRequest.newBuilder(uri(HealthServer.LIVE_PATH))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        HttpResponse<String> post = send(HttpRequest.newBuilder(uri(HealthServer.METRICS_PATH))
                .POST(HttpRequest.BodyPublishers.ofString("x")));
        assertEquals(405, post.statusCode());
        assertEquals(404, get("/nothing-here").statusCode());
    }

    private static void assertContains(String body, String expected) {
        assertTrue(body.contains(expected), () -> "expected '" + expected + "' in:\n" + body);
    }
}
