package dev.modehop.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modehop.embedded.EmbeddedServers;
import dev.modehop.events.Alert;
import dev.modehop.events.AttributedWindow;
import dev.modehop.events.Direction;
import dev.modehop.events.HopStability;
import dev.modehop.events.Mode;
import dev.modehop.events.ModeHop;
import dev.modehop.events.Severity;
import dev.modehop.events.Verdict;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier as a separate process on the real broker, against a local HTTP receiver that fails,
 * answers 429 with Retry-After, stalls, and goes down; the notifier is killed with SIGKILL in the middle.
 * Every alert reaches every route that wants it exactly once.
 */
class NotifierEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "s3cret";
    static final Pattern SLACK_ALERT_ID = Pattern.compile("alert `([^`]+)`");

    @RegisterExtension
    static final EmbeddedServers SERVERS = EmbeddedServers.brokerAndRegistry();

    @TempDir
    Path tmp;

    enum Mode2 { OK, STALL, OUTAGE }

    /** The receiver: scripted failures first, then a mode the test switches. Counts 2xx answers per alert id. */
    static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final ConcurrentLinkedQueue<Integer> script = new ConcurrentLinkedQueue<>();
        volatile Mode2 mode = Mode2.OK;
        final Map<String, AtomicInteger> slack = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> hook = new ConcurrentHashMap<>();
        final List<String> slackBodies = Collections.synchronizedList(new ArrayList<>());
        final List<String> hookBodies = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger badSignatures = new AtomicInteger();
        final AtomicInteger stalled = new AtomicInteger();
        final List<long[]> rateLimitedThenRetried = Collections.synchronizedList(new ArrayList<>());
        volatile long last429At;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
            server.createContext("/slack", ex -> handle(ex, true));
            server.createContext("/hook", ex -> handle(ex, false));
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        void handle(HttpExchange ex, boolean isSlack) throws IOException {
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            long now = System.currentTimeMillis();
            if (last429At > 0) {
                rateLimitedThenRetried.add(new long[] {last429At, now});
                last429At = 0;
            }
            Integer scripted = script.poll();
            if (scripted != null) {
                if (scripted == 429) {
                    ex.getResponseHeaders().add("Retry-After", "1");
                    last429At = now;
                }
                if (scripted == 0) {
                    stall(ex);
                    return;
                }
                answer(ex, scripted, "scripted");
                return;
            }
            switch (isSlack && mode == Mode2.STALL ? Mode2.OK : mode) {
                case STALL -> stall(ex);
                case OUTAGE -> answer(ex, 503, "down");
                case OK -> {
                    if (isSlack) {
                        Matcher m = SLACK_ALERT_ID.matcher(body);
                        String id = m.find() ? m.group(1) : "?";
                        slackBodies.add(body);
                        slack.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    } else {
                        String ts = ex.getRequestHeaders().getFirst(WebhookPayload.TIMESTAMP_HEADER);
                        String sig = ex.getRequestHeaders().getFirst(WebhookPayload.SIGNATURE_HEADER);
                        if (ts == null || sig == null || !sig.equals(WebhookPayload.signature(SECRET, Long.parseLong(ts), body))) {
                            badSignatures.incrementAndGet();
                        }
                        hookBodies.add(body);
                        hook.computeIfAbsent(ex.getRequestHeaders().getFirst(WebhookPayload.ALERT_ID_HEADER),
                                k -> new AtomicInteger()).incrementAndGet();
                    }
                    answer(ex, 200, "ok");
                }
            }
        }

        /** Holds the request past the client's timeout and never answers 2xx. */
        void stall(HttpExchange ex) throws IOException {
            stalled.incrementAndGet();
            try {
                Thread.sleep(4_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(ex, 503, "stalled");
        }

        static void answer(HttpExchange ex, int code, String text) throws IOException {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            try {
                ex.sendResponseHeaders(code, b.length);
                ex.getResponseBody().write(b);
            } catch (IOException ignored) {
                // the client gave up on a stalled request
            } finally {
                ex.close();
            }
        }

        int total() {
            return slack.values().stream().mapToInt(AtomicInteger::get).sum()
                    + hook.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static <V> void send(KafkaProducer<String, byte[]> p, Topic<V> topic, String key, V value) throws Exception {
        p.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)))
                .get(30, TimeUnit.SECONDS);
    }

    static void await(String what, long timeoutMs, java.util.function.BooleanSupplier ok) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!ok.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void everyAlertReachesEveryRouteOnceAcrossFailuresAKillAndAnOutage() throws Exception {
        Topics topics = Topics.create("", SERVERS.serdeConfig());
        SERVERS.kafka().createTopics(List.of(topics.alertRaised.name(), topics.hopDetected.name(), topics.hopStability.name()), 2);
        try (Receiver receiver = new Receiver()) {
            Path config = tmp.resolve("notify.yaml");
            Files.writeString(config, String.join("\n",
                    "dashboard: http://dash.example:8080/",
                    "request-timeout: 1s",
                    "initial-backoff: 100ms",
                    "max-backoff: 500ms",
                    "context-wait: 2s",
                    "routes:",
                    "  - name: ml-oncall",
                    "    type: slack",
                    "    url: " + receiver.url("/slack"),
                    "    min-severity: WARN",
                    "    cooldown: 1h",
                    "  - name: pager",
                    "    type: webhook",
                    "    url: " + receiver.url("/hook"),
                    "    secret: ${TEST_SECRET}",
                    "    cooldown: 0", ""));
            Path notifierLog = tmp.resolve("notifier.log");
            // First answers: a server error, a rate limit with Retry-After, a stall past the client timeout.
            receiver.script.addAll(List.of(500, 429, 0));

            int alerts = 30;
            List<String> ids = new ArrayList<>();
            List<String> slackWanted = new ArrayList<>();
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", SERVERS.kafka().bootstrapServers()),
                    new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < alerts; i++) {
                    String run = "run-" + (i % 3);
                    long step = 100L * (i + 1);
                    // Alerts 28 and 29 share (run, rule) with 27: Slack's 1h cooldown holds them back.
                    String rule = i >= 27 ? "repeat" : "rule-" + i;
                    String runOf = i >= 27 ? "run-0" : run;
                    String hopId = runOf + "/flipped/" + step + "/hop";
                    Severity sev = i % 10 == 4 ? Severity.INFO : i % 2 == 0 ? Severity.CRITICAL : Severity.WARN;
                    send(p, topics.hopDetected, runOf, ModeHop.newBuilder().setId(hopId).setRunId(runOf).setSeries("flipped")
                            .setStep(step).setPrevStep(step - 50).setAnchorStep(step - 50).setDirection(Direction.DOWN)
                            .setFrom(Mode.GENERALIZING).setTo(Mode.PARROT).setBefore(0.9).setAfter(0.1).setZScore(-12.5)
                            .setWindows(List.of(AttributedWindow.newBuilder().setWindowId("w" + i).setStartStep(step - 50)
                                    .setEndStep(step).setMixture(Map.of("icl", 0.1, "iwl", 0.9)).build()))
                            .setDetectedAt(0).build());
                    send(p, topics.hopStability, runOf, HopStability.newBuilder().setId(hopId + "/stability").setHopId(hopId)
                            .setRunId(runOf).setSeries("flipped").setHopStep(step).setDecidedAtStep(step + 100)
                            .setVerdict(Verdict.STABLE).setCheckpointsObserved(2).setTo(Mode.PARROT).build());
                    String id = hopId + "/" + rule + "/stable";
                    send(p, topics.alertRaised, runOf, Alert.newBuilder().setId(id).setRunId(runOf).setRule(rule)
                            .setSeverity(sev).setMessage("flipped hopped GENERALIZING -> PARROT at step " + step)
                            .setHopId(hopId).setStep(step + 100).build());
                    ids.add(id);
                    if (sev != Severity.INFO && i <= 27) {
                        slackWanted.add(id);
                    }
                }
            }

            Process first = startNotifierWithSecret(config, notifierLog);
            try {
                await("a third of the deliveries", 120_000, () -> receiver.total() >= 20);
                // Only the webhook stalls: the alert in flight has reached Slack already, so the restarted
                // notifier must take that from the delivery log, not from the committed offset.
                receiver.mode = Mode2.STALL;
                int stalledBefore = receiver.stalled.get();
                await("a stalled delivery in flight", 30_000, () -> receiver.stalled.get() > stalledBefore);
                first.destroyForcibly(); // SIGKILL
                assertTrue(first.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, first.exitValue());
            } finally {
                first.destroyForcibly();
            }
            receiver.mode = Mode2.OUTAGE;
            Process second = startNotifierWithSecret(config, notifierLog);
            try {
                Thread.sleep(3_000);
                receiver.mode = Mode2.OK;
                await("every delivery", 120_000, () -> receiver.hook.keySet().containsAll(ids)
                        && receiver.slack.keySet().containsAll(slackWanted));
                Thread.sleep(1_500); // anything sent twice would arrive now
            } finally {
                second.destroyForcibly();
                second.waitFor(30, TimeUnit.SECONDS);
            }
            String log = Files.readString(notifierLog);
            assertEquals(ids.size(), receiver.hook.size(), log);
            receiver.hook.forEach((id, n) -> assertEquals(1, n.get(), "webhook got " + id + " " + n + " times"));
            assertEquals(new TreeSet<>(slackWanted), new TreeSet<>(receiver.slack.keySet()), "Slack: WARN and up, cooled down");
            receiver.slack.forEach((id, n) -> assertEquals(1, n.get(), "Slack got " + id + " " + n + " times"));
            assertEquals(0, receiver.badSignatures.get());
            assertTrue(receiver.stalled.get() >= 2, "a scripted and a mode stall");
            assertTrue(log.contains("HTTP 500"), log);
            assertTrue(log.contains("HTTP 429"), log);
            assertTrue(log.contains("HttpTimeoutException"), log);
            long[] rate = receiver.rateLimitedThenRetried.get(0);
            assertTrue(rate[1] - rate[0] >= 900, "the retry after a 429 waited for Retry-After: " + (rate[1] - rate[0]) + " ms");

            JsonNode slackMsg = JSON.readTree(receiver.slackBodies.get(0));
            assertEquals("header", slackMsg.get("blocks").get(0).get("type").asText());
            String all = slackMsg.toString();
            for (String fact : List.of("*Run*", "*Family*\\nflipped", "*Step*", "GENERALIZING -&gt; PARROT", "STABLE at step",
                    "Data windows before the hop", "icl 0.1", "http://dash.example:8080/#run=run-")) {
                assertTrue(all.contains(fact), fact + " in " + all);
            }
            JsonNode hook = JSON.readTree(receiver.hookBodies.get(0));
            assertEquals(1, hook.get("version").asInt());
            assertEquals("flipped", hook.get("family").asText());
            String hopStepOfId = hook.get("hopId").asText().split("/")[2];
            assertEquals(Long.parseLong(hopStepOfId), hook.get("step").asLong());
            assertEquals(hook.get("step").asLong() + 100, hook.get("alertStep").asLong());
            assertEquals("PARROT", hook.get("to").asText());
            assertEquals("STABLE", hook.get("verdict").asText());
            assertEquals(0.9, hook.get("windows").get(0).get("mixture").get("iwl").asDouble());
        }
    }

    Process startNotifierWithSecret(Path config, Path logFile) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.modehop.events",
                "-cp", System.getProperty("java.class.path"), NotifierProcess.class.getName(), SERVERS.kafka().bootstrapServers(),
                SERVERS.schemaRegistry().url(), config.toString());
        pb.environment().put("TEST_SECRET", SECRET);
        return pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    }
}
