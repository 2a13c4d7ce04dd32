package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.core.MonitorConfig;
import dev.modehop.embedded.EmbeddedKafka;
import dev.modehop.embedded.EmbeddedSchemaRegistry;
import dev.modehop.events.CheckpointReady;
import dev.modehop.ops.GracefulShutdown;
import dev.modehop.ops.ServiceConfig;
import dev.modehop.producers.sdk.EventPublisher;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.model.RandomCheckpoints;
import dev.modehop.probes.toy.ToyVocabulary;
import dev.modehop.scorer.worker.ScorerSettings;
import dev.modehop.schemas.ProbeScores;
import java.io.OutputStream;
import java.io.PrintStream;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Grafana dashboard against running services: the Streams service and a scorer service (the
 * classes behind {@code modehop streams} and {@code modehop scorer}) on an in-process broker and the embedded
 * registry, some traffic (three toy checkpoints really scored, a run that hops, an undecodable announcement),
 * then every metric name in every panel's PromQL must be in what their {@code /metrics} endpoints serve. The
 * recorded values are checked too, and the streams instance's interactive query for the hopping run.
 */
class GrafanaPanelsScrapeTest {
    /** Series Prometheus makes itself for every target, not served by any /metrics. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");
    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "dashboards", "modehop.json");
    private static final int SCORED_CHECKPOINTS = 3;

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    @Test
    void everyPanelQueriesMetricsTheRunningServicesExport() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, registry.url()));
            kafka.createTopics(topics.allNamesWithDlq(), 2);
            Map<String, String> common = Map.of(ServiceConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    ServiceConfig.REGISTRY_URL, registry.url(), ServiceConfig.HEALTH_PORT, "0",
                    ServiceConfig.GROUP_INSTANCE_ID, "none");
            Map<String, String> streamsKeys = new HashMap<>(common);
            streamsKeys.putAll(Map.of(ServiceConfig.SERVICE_NAME, "streams", ServiceConfig.GROUP_ID, "metrics-streams",
                    ServiceConfig.STREAMS_STATE_DIR, Files.createDirectory(tmp.resolve("state")).toString(),
                    ServiceConfig.STREAMS_QUERY_PORT, "0"));
            Map<String, String> scorerKeys = new HashMap<>(common);
            scorerKeys.putAll(Map.of(ServiceConfig.SERVICE_NAME, "scorer", ServiceConfig.GROUP_ID, "metrics-scorers"));
            GracefulShutdown shutdown = new GracefulShutdown("test");
            try {
                StreamsService streams = StreamsService.start(ServiceConfig.of(streamsKeys),
                        MonitorConfig.defaults(), shutdown);
                ScorerService scorer = ScorerService.start(ServiceConfig.of(scorerKeys),
                        ScorerSettings.builder().device("cpu").defaultSuite("toy").build(), shutdown,
                        new PrintStream(OutputStream.nullOutputStream()));
                traffic(kafka, topics);

                // lag 0 can be sampled before the scorer fetched the last announcements: wait for their dead letters too
                String scorerScrape = awaitScrape(scorer.health.port(), s -> value(s, "modehop_scoring_duration_seconds_count")
                        >= SCORED_CHECKPOINTS && value(s, "modehop_dlq_records_total") >= 13
                        && value(s, "modehop_consumer_group_lag") == 0);
                String streamsScrape = awaitScrape(streams.health.port(),
                        s -> value(s, "modehop_hops_detected_total", "direction=\"DOWN\"") == 1
                                && value(s, "modehop_dlq_records_total", "topic=\"modehop.checkpoint.ready\"") >= 1
                                && value(s, "modehop_consumer_group_lag") == 0);

                print("scorer", scorerScrape);
                print("streams", streamsScrape);
                assertEquals(SCORED_CHECKPOINTS * 1024.0, value(scorerScrape, "modehop_scoring_items_total"),
                        "each toy checkpoint is 1024 items");
                assertEquals(SCORED_CHECKPOINTS, value(scorerScrape, "modehop_checkpoint_latency_seconds_count", "stage=\"scored\""));
                // The hopping run's 12 announcements point at no folder, and one announcement is no Avro at all.
                assertEquals(13, value(scorerScrape, "modehop_dlq_records_total"));
                assertEquals(200, status(scorer.health.port(), "/health/ready"), "joined its group, loop alive");
                assertEquals(200, status(streams.health.port(), "/health/ready"), "RUNNING");
                assertTrue(streamsScrape.contains("\nkafka_consumer_fetch_manager_records_lag_max{"),
                        "the Streams consumers' lag is exported");

                Map<String, Set<String>> missing = new TreeMap<>();
                Set<String> served = new TreeSet<>();
                served.addAll(names(scorerScrape));
                served.addAll(names(streamsScrape));
                int checked = 0;
                for (JsonNode panel : new ObjectMapper().readTree(Files.readString(DASHBOARD)).get("panels")) {
                    for (JsonNode target : panel.get("targets")) {
                        for (String name : PromQlNames.of(target.get("expr").asText())) {
                            checked++;
                            if (!served.contains(name) && !PROMETHEUS_OWN.contains(name)) {
                                missing.computeIfAbsent(panel.get("title").asText(), t -> new TreeSet<>()).add(name);
                            }
                        }
                    }
                }
                assertTrue(checked >= 10, "the dashboard's expressions were read: " + checked + " names");
                assertEquals(Map.of(), missing, "panels query metrics no service exports");

                JsonNode run = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + streams.queries.port() + "/runs/hop-run")).build(), HttpResponse.BodyHandlers.ofString()).body());
                assertEquals("hop-run/flipped/350/hop", run.get("hops").get(0).get("hop").get("id").asText(), run.toString());
            } finally {
                shutdown.closeAll();
            }
        }
    }

    /** Three toy checkpoints to score, a run whose scores hop (published as if scored), one undecodable announcement. */
    private void traffic(EmbeddedKafka kafka, Topics topics) throws Exception {
        try (EventPublisher publisher = new EventPublisher(kafka.bootstrapServers(), Map.of())) {
            for (int i = 1; i <= SCORED_CHECKPOINTS; i++) {
                long step = 100L * i;
                Path folder = RandomCheckpoints.write(tmp.resolve("checkpoint-" + step), RandomCheckpoints.toyRun(),
                        step, 0.5, TensorDType.F32, ToyVocabulary.tokenizerJson());
                publisher.send(topics.checkpointReady, "scored-run", CheckpointReady.newBuilder().setRunId("scored-run")
                        .setStep(step).setUri(folder.toString()).setProducedAt(System.currentTimeMillis()).build());
            }
            // Producer times near the scored run's: a task's event-time clock is the highest producer time of its
            // inputs, and scores stamped decades behind it would be past their checkpoints' deadlines.
            long base = System.currentTimeMillis();
            for (int i = 1; i <= 12; i++) {
                long step = 50L * i;
                publisher.send(topics.checkpointReady, "hop-run", CheckpointReady.newBuilder().setRunId("hop-run")
                        .setStep(step).setUri(tmp.resolve("nowhere").toString()).setProducedAt(base + step).build());
                double acc = i < 7 ? 0.95 : 0.05;
                publisher.send(topics.probeScored, "hop-run", ProbeScores.counted("hop-run", step, "toy", "flipped", "main",
                        512, acc, 2 * acc - 1).setSeedCount(4).setScorerId("test").setDurationMs(1)
                        .setProducedAt(base + step).build());
            }
            assertEquals(0, publisher.awaitDelivery().failed());
        }
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(topics.checkpointReady.name(), "hop-run", new byte[] {1, 2, 3})).get();
        }
    }

    private String awaitScrape(int port, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        String scrape = "";
        while (System.nanoTime() < deadline) {
            scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (done.test(scrape)) {
                return scrape;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the service on :" + port + " never recorded the traffic:\n" + modehopLines(scrape));
    }

    private static void print(String what, String scrape) {
        System.out.println("MEASURED " + what + " scrape, modehop and lag lines:\n" + modehopLines(scrape));
    }

    private int status(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The sum of a metric's samples whose labels contain every one of {@code labels}; NaN when there is none. */
    static double value(String scrape, String metric, String... labels) {
        double sum = 0;
        boolean found = false;
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(metric + "{") && !line.startsWith(metric + " ")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE);

    static Set<String> names(String scrape) {
        Set<String> names = new TreeSet<>();
        Matcher m = SAMPLE.matcher(scrape);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String modehopLines(String scrape) {
        List<String> lines = new ArrayList<>();
        for (String line : scrape.split("\n")) {
            if ((line.startsWith("modehop_") || line.contains("records_lag_max")) && !line.contains("_bucket")) {
                lines.add(line);
            }
        }
        return String.join("\n", lines);
    }
}
