package dev.modehop.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.core.MonitorConfig;
import dev.modehop.core.RunMonitor;
import dev.modehop.embedded.EmbeddedKafka;
import dev.modehop.embedded.EmbeddedSchemaRegistry;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Streams instances of one application against one in-process broker, each with its query server: runs
 * spread over both, and either instance answers for every run, the owner's store read through the owner.
 */
class MonitorQueryServerTest {
    private static final String TOKEN = "s3cret";
    private static final List<String> RUNS = List.of("run-a", "run-b", "run-c", "run-d", "run-e", "run-f");
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void eitherInstanceAnswersForEveryRunFromTheOwnersStore() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, registry.url()));
            kafka.createTopics(topics.allNamesWithDlq(), 4);
            produce(kafka, topics);
            try (MonitorQueryServer queriesA = MonitorQueryServer.bind("127.0.0.1", 0, null, TOKEN);
                 MonitorQueryServer queriesB = MonitorQueryServer.bind("127.0.0.1", 0, null, TOKEN);
                 MonitorStreamsJob a = start(kafka, topics, queriesA, "a");
                 MonitorStreamsJob b = start(kafka, topics, queriesB, "b")) {
                queriesA.serve(a);
                queriesB.serve(b);
                // Both members in the group, and every run's hop processed on whichever owns it.
                JsonNode all = awaitJson(queriesA, "/runs", n -> n.get("runs").size() == RUNS.size()
                        && n.get("instances").size() == 2);
                assertEquals(RUNS, names(all.get("runs")));
                for (String run : RUNS) {
                    awaitJson(queriesA, "/runs/" + run, n -> n.get("hops").size() == 1);
                }
                awaitRunning(a, b);
                HostInfo hostA = HostInfo.buildFromEndpoint(queriesA.applicationServer());
                HostInfo hostB = HostInfo.buildFromEndpoint(queriesB.applicationServer());
                List<String> ownedByB = new ArrayList<>();
                List<String> ownedByA = new ArrayList<>();
                for (String run : RUNS) {
                    HostInfo owner = a.streams().queryMetadataForKey(MonitorTopology.STATE_STORE, run,
                            new StringSerializer()).activeHost();
                    (owner.equals(hostB) ? ownedByB : ownedByA).add(run);
                    assertTrue(owner.equals(hostA) || owner.equals(hostB), "owner " + owner);
                }
                assertFalse(ownedByB.isEmpty(), "B owns some runs: " + ownedByA + " on A");
                assertFalse(ownedByA.isEmpty(), "A owns some runs: " + ownedByB + " on B");

                for (String run : ownedByB) {
                    JsonNode fromA = awaitJson(queriesA, "/runs/" + run, n -> n.has("servedBy"));
                    assertEquals(queriesB.applicationServer(), fromA.get("servedBy").asText(), "read through B");
                    assertEquals(run, fromA.get("runId").asText());
                    assertEquals(run + "/flipped/550/hop", fromA.get("hops").get(0).get("hop").get("id").asText());
                    assertEquals("PARROT", fromA.get("currentModes").get(0).get("mode").asText());
                    assertEquals(1000, fromA.get("lastProcessedStep").asLong());
                    assertTrue(fromA.get("bestStep").asLong() <= 500, "the best checkpoint is before the hop: " + fromA);
                    assertEquals(fromA.toString().replace(queriesB.applicationServer(), "x"),
                            get(queriesB, "/runs/" + run, true).body().replace(queriesB.applicationServer(), "x"),
                            "the same answer as the owner's own");
                    assertFalse(queriesA.applicationServer().equals(fromA.get("servedBy").asText()));
                }
                for (String run : ownedByA) {
                    assertEquals(queriesA.applicationServer(), awaitJson(queriesB, "/runs/" + run, n -> true)
                            .get("servedBy").asText());
                }
                assertEquals(404, get(queriesA, "/runs/no-such-run", true).statusCode());
                assertEquals(401, get(queriesA, "/runs/" + RUNS.get(0), false).statusCode(), "the token is required");
                HttpResponse<String> browser = http.send(HttpRequest.newBuilder(uri(queriesA, "/runs"))
                        .header("Authorization", "Bearer " + TOKEN).header("Origin", "http://evil.example").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(403, browser.statusCode(), "a browser's request is refused");
            }
        }
    }

    private MonitorStreamsJob start(EmbeddedKafka kafka, Topics topics, MonitorQueryServer queries, String name)
            throws Exception {
        Map<String, Object> overrides = Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, queries.applicationServer());
        return MonitorStreamsJob.start(topics, new RunMonitor(MonitorConfig.defaults()), MonitorStreamsJob.config(
                kafka.bootstrapServers(), "iq-test", Files.createDirectory(tmp.resolve(name)).toString(), overrides));
    }

    /** 20 checkpoints per run; the flipped family hops at step 550 and stays there. */
    private static void produce(EmbeddedKafka kafka, Topics topics) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        // one request in flight and every send acknowledged before the next: on a just-created topic the first
        // batches can be refused (OutOfOrderSequence after a retried batch), and a silently lost score leaves
        // its run waiting for ever
        cfg.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(cfg, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 1; i <= 20; i++) {
                long step = 50L * i;
                for (String run : RUNS) {
                    send(p, topics.checkpointReady, run, Events.ready(run, step, step));
                    send(p, topics.probeScored, run, Events.score(run, step, "flipped", i <= 10 ? 0.95 : 0.05, step));
                }
            }
        }
    }

    private static <V> void send(KafkaProducer<String, byte[]> p, Topic<V> topic, String key, V value) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic.name(), key,
                topic.valueSerde().serializer().serialize(topic.name(), value));
        for (int attempt = 1; ; attempt++) {
            try {
                p.send(r).get(30, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (attempt == 3) {
                    throw new IllegalStateException("could not write the test's input " + key, e);
                }
            }
        }
    }

    private static void awaitRunning(MonitorStreamsJob... jobs) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (MonitorStreamsJob job : jobs) {
            while (job.streams().state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(KafkaStreams.State.RUNNING, job.streams().state());
        }
    }

    private JsonNode awaitJson(MonitorQueryServer server, String path, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(server, path, true);
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200) {
                JsonNode n = json.readTree(r.body());
                if (done.test(n)) {
                    return n;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("GET " + path + " never answered as expected; last: " + last);
    }

    private HttpResponse<String> get(MonitorQueryServer server, String path, boolean withToken) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(server, path)).timeout(Duration.ofSeconds(20));
        if (withToken) {
            r.header("Authorization", "Bearer " + TOKEN);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(MonitorQueryServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static List<String> names(JsonNode array) {
        TreeSet<String> out = new TreeSet<>();
        array.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }
}
