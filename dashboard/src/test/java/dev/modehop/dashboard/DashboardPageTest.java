package dev.modehop.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.events.AttributedWindow;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.DataWindow;
import dev.modehop.events.Direction;
import dev.modehop.events.HopStability;
import dev.modehop.events.Mode;
import dev.modehop.events.ModeHop;
import dev.modehop.events.ModeObservation;
import dev.modehop.events.Verdict;
import dev.modehop.schemas.ProbeScores;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The page at full size, without Kafka: a dashboard pointed at a broker and a registry that do not exist (so the
 * page must say so), read-only (so the control form must look it), holding 200 runs x 20 series x 500
 * checkpoints folded in through the same {@link RunViews#apply} path the topic reader uses. The browser check
 * (e2e/page-check.mjs) measures load time and memory and asserts the timeline, the small multiples, a loss
 * series on its own log axis, the comparison of runs, the disabled control form and the offline banner.
 */
class DashboardPageTest {
    static final int RUNS = 200;
    static final int FAMILIES = 16;
    static final int LEVELS = 4;
    static final int CHECKPOINTS = 500;
    private static final ObjectMapper JSON = new ObjectMapper();
    static DashboardServer dashboard;

    @BeforeAll
    static void startAgainstNothingAndFill() throws IOException {
        int deadKafka = freePort();
        int deadRegistry = freePort();
        dashboard = DashboardServer.start(DashboardSettings.builder("127.0.0.1:" + deadKafka,
                "http://127.0.0.1:" + deadRegistry).idleAfter(Duration.ofMinutes(5)).build());
        long t0 = System.nanoTime();
        fill(dashboard.views(), System.currentTimeMillis());
        System.out.printf("filled %d runs x %d series x %d checkpoints in %d ms, heap used %d MB%n", RUNS,
                FAMILIES + LEVELS, CHECKPOINTS, (System.nanoTime() - t0) / 1_000_000, usedHeapMb());
    }

    /** Serves the same load until killed, for working on the page: prints the URL. */
    public static void main(String[] args) throws Exception {
        startAgainstNothingAndFill();
        Thread.sleep(Long.MAX_VALUE);
    }

    @AfterAll
    static void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
    }

    static String runId(int r) {
        return String.format("run-%03d", r);
    }

    /**
     * Every run: 16 probe families whose mode switches where a planted hop is, 4 level series (a loss falling
     * from 3.7 to 2.9, three benchmark accuracies), a checkpoint every 100 steps, two data windows. The first
     * 10 runs had a record a moment ago (RUNNING), the others an hour ago (IDLE).
     */
    static void fill(RunViews views, long now) {
        Random random = new Random(7);
        for (int r = 0; r < RUNS; r++) {
            String run = runId(r);
            long writtenAt = r < 10 ? now : now - 3_600_000;
            int hopAt = 100 + random.nextInt(CHECKPOINTS - 200);
            for (int c = 0; c < CHECKPOINTS; c++) {
                long step = 100L * (c + 1);
                views.apply(CheckpointReady.newBuilder().setRunId(run).setStep(step).setTokensSeen(step * 2048)
                        .setUri("/ckpt/" + run + "/" + step).setProducedAt(writtenAt).build(), writtenAt);
                for (int f = 0; f < FAMILIES; f++) {
                    boolean flips = f % 4 == 0;
                    boolean after = c >= hopAt + f;
                    double acc = flips && after ? 0.1 + 0.05 * random.nextDouble() : 0.9 - 0.05 * random.nextDouble();
                    Mode mode = c < 3 ? Mode.UNDECIDED : acc > 0.5 ? Mode.GENERALIZING : Mode.PARROT;
                    views.apply(ModeObservation.newBuilder().setId(run + "/fam" + f + "/" + step).setRunId(run)
                            .setSeries(family(f)).setStep(step).setMode(mode).setConfirmedMode(mode)
                            .setHardAccuracy(acc).setSoftScore(1.6 * acc - 0.8).setItems(256).build(), writtenAt);
                }
                double loss = 3.7 - 0.8 * c / (CHECKPOINTS - 1) + 0.01 * random.nextDouble();
                level(views, run, "loss", step, loss, writtenAt);
                for (String bench : new String[] {"lm-eval/arc_easy", "lm-eval/piqa", "lm-eval/lambada"}) {
                    level(views, run, bench, step, 0.35 + 0.2 * c / CHECKPOINTS + 0.01 * random.nextDouble(),
                            writtenAt);
                }
            }
            for (int f = 0; f < FAMILIES; f += 4) {
                long step = 100L * (hopAt + f + 1);
                String id = run + "/" + family(f) + "/" + step + "/hop";
                views.apply(ModeHop.newBuilder().setId(id).setRunId(run).setSeries(family(f)).setStep(step)
                        .setPrevStep(step - 100).setAnchorStep(step - 100).setDirection(Direction.DOWN)
                        .setFrom(Mode.GENERALIZING).setTo(Mode.PARROT).setBefore(0.9).setAfter(0.12).setZScore(-20)
                        .setWindows(List.of(AttributedWindow.newBuilder().setWindowId("w1").setStartStep(step - 5000)
                                .setEndStep(step).setMixture(Map.of("icl", 0.1, "iwl", 0.9)).build())).build(),
                        writtenAt);
                views.apply(HopStability.newBuilder().setId(id + "/stability").setHopId(id).setRunId(run)
                        .setSeries(family(f)).setHopStep(step).setDecidedAtStep(step + 200)
                        .setVerdict(f == 0 ? Verdict.STABLE : Verdict.TRANSIENT).setCheckpointsObserved(2).build(),
                        writtenAt);
            }
            // a level hop: the loss series has no modes, so from and to are null
            long lossHop = 100L * (hopAt + 1);
            views.apply(ModeHop.newBuilder().setId(run + "/loss/" + lossHop + "/hop").setRunId(run).setSeries("loss")
                    .setStep(lossHop).setPrevStep(lossHop - 100).setAnchorStep(lossHop - 100).setDirection(Direction.UP)
                    .setBefore(3.2).setAfter(3.5).setZScore(8).setWindows(List.of()).build(), writtenAt);
            if (r == 0) {
                alertsWithDeliveries(views, run, 100L * (hopAt + 1), writtenAt);
            }
            long mid = 100L * CHECKPOINTS / 2;
            views.apply(DataWindow.newBuilder().setRunId(run).setWindowId("w0").setStartStep(0).setEndStep(mid)
                    .setMixture(Map.of("icl", 0.9, "iwl", 0.1)).build(), writtenAt);
            views.apply(DataWindow.newBuilder().setRunId(run).setWindowId("w1").setStartStep(mid)
                    .setEndStep(100L * CHECKPOINTS).setMixture(Map.of("icl", 0.1, "iwl", 0.9)).build(), writtenAt);
        }
    }

    /** Two alerts: one the notifier sent to Slack and the webhook refused, one it has not handled yet. */
    private static void alertsWithDeliveries(RunViews views, String run, long step, long writtenAt) {
        String hopId = run + "/" + family(0) + "/" + step + "/hop";
        for (String rule : new String[] {"parrot", "parrot-stable"}) {
            views.apply(dev.modehop.events.Alert.newBuilder().setId(hopId + "/" + rule).setRunId(run).setRule(rule)
                    .setSeverity(dev.modehop.events.Severity.WARN).setMessage(family(0) + " hopped (" + rule + ")")
                    .setHopId(hopId).setStep(step).build(), writtenAt);
        }
        Delivery.Decoder decode = new Delivery.Decoder();
        for (String[] d : new String[][] {{"ml-oncall", "delivered", "null"}, {"incident-hook", "rejected", "\"HTTP 400\""}}) {
            String json = "{\"alertId\":\"" + hopId + "/parrot\",\"route\":\"" + d[0] + "\",\"runId\":\"" + run
                    + "\",\"rule\":\"parrot\",\"status\":\"" + d[1] + "\",\"attempts\":1,\"detail\":" + d[2]
                    + ",\"at\":" + writtenAt + "}";
            views.apply(decode.deserialize(Delivery.topicName(""), json.getBytes(StandardCharsets.UTF_8)), writtenAt);
        }
    }

    static String family(int f) {
        return String.format("family-%02d", f);
    }

    /** A plain metric as the scorer or an lm-eval replay sends it (no item count), then the job's LEVEL mode. */
    private static void level(RunViews views, String run, String series, long step, double value, long writtenAt) {
        String family = series.contains("/") ? series.substring(0, series.indexOf('/')) : series;
        String task = series.contains("/") ? series.substring(series.indexOf('/') + 1) : series;
        views.apply(ProbeScores.of(run, step, "lm-eval", family, task, value).setSoftScore(value).build(), writtenAt);
        views.apply(ModeObservation.newBuilder().setId(run + "/" + series + "/" + step).setRunId(run)
                .setSeries(series).setStep(step).setMode(Mode.LEVEL).setConfirmedMode(Mode.LEVEL)
                .setHardAccuracy(value).setSoftScore(value).build(), writtenAt);
    }

    @Test
    void theApiNamesSeriesAsCoreDoesAndTellsLevelsFromFamilies() throws Exception {
        JsonNode run = get("/api/runs/" + runId(0));
        List<String> names = new ArrayList<>();
        run.path("series").forEach(s -> names.add(s.path("name").asText()));
        assertEquals(FAMILIES + LEVELS, names.size(), names.toString());
        assertTrue(names.contains("loss") && !names.contains("loss/loss"), "loss is one series: " + names);
        assertTrue(names.contains("lm-eval/arc_easy"), names.toString());
        for (JsonNode s : run.path("series")) {
            String expected = s.path("name").asText().startsWith("family-") ? "COUNTED" : "LEVEL";
            assertEquals(expected, s.path("kind").asText(), s.path("name").asText());
            assertEquals(CHECKPOINTS, s.path("points").size());
        }
        JsonNode runs = get("/api/runs").path("runs");
        assertEquals(RUNS, runs.size());
        long running = 0;
        long idle = 0;
        for (JsonNode r : runs) {
            running += r.path("state").asText().equals("RUNNING") ? 1 : 0;
            idle += r.path("state").asText().equals("IDLE") ? 1 : 0;
        }
        assertEquals(10, running, "runs with a record a moment ago are RUNNING");
        assertEquals(RUNS - 10, idle, "runs silent for an hour (more than the 5 min configured) are IDLE");
        JsonNode checkpoint = get("/api/runs/" + runId(0) + "/checkpoints/500");
        assertEquals(FAMILIES + LEVELS, checkpoint.path("series").size());
        assertEquals("/ckpt/" + runId(0) + "/500", checkpoint.path("uri").asText());
    }

    @Test
    void theDashboardSaysItCannotReachKafkaOrTheRegistry() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode status = get("/api/status");
        while (status.path("kafka").path("checkedAt").asLong() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            status = get("/api/status");
        }
        assertEquals(false, status.path("kafka").path("reachable").asBoolean(true), status.toString());
        assertEquals(false, status.path("registry").path("reachable").asBoolean(true), status.toString());
        assertTrue(status.path("registry").path("error").asText().contains("registry"), status.toString());
    }

    @Test
    void aRealBrowserShowsTheWholeLoadAtAGlance() throws Exception {
        BrowserCheck.assumeBrowser();
        Path screenshots = Path.of("target", "screenshots").toAbsolutePath();
        Files.createDirectories(screenshots);
        List<String> output = BrowserCheck.run("page-check.mjs", List.of(dashboard.url(), runId(0), runId(1),
                screenshots.toString()), line -> { }, 240);
        assertTrue(output.stream().anyMatch(l -> l.startsWith("MEASURED ")), String.join("\n", output));
        System.out.printf("dashboard heap after the browser check: %d MB%n", usedHeapMb());
    }

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(dashboard.url()).resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static long usedHeapMb() {
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }
}
