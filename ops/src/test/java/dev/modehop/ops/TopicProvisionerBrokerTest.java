package dev.modehop.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.embedded.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TopicProvisioner against a real in-process KRaft broker (one node, so replication is overridden to 1). */
class TopicProvisionerBrokerTest {

    private static EmbeddedKafka kafka;
    private static Admin admin;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        admin = kafka.admin();
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private Path topicsFile() throws IOException {
        Path f = dir.resolve("topics.yaml");
        Files.writeString(f, """
                version: 1
                defaults:
                  partitions: 3
                  replicationFactor: 3
                  retention: 7d
                  config:
                    min.insync.replicas: 2
                dlq:
                  partitions: 1
                  retention: 30d
                topics:
                  modehop.checkpoint.ready:
                    partitions: 4
                    retention: 90d
                  modehop.probe.scored:
                    partitions: 4
                  modehop.checkpoint.ranked:
                    config:
                      cleanup.policy: compact,delete
                """);
        return f;
    }

    private static ServiceConfig config(String prefix) {
        return ServiceConfig.of(Map.of(
                ServiceConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                ServiceConfig.TOPIC_PREFIX, prefix,
                ServiceConfig.TOPICS_REPLICATION_FACTOR, "1"));
    }

    private record Run(int exitCode, String output) {
    }

    private static Run run(ServiceConfig cfg, Path file) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = TopicProvisioner.run(cfg, file, new PrintStream(buf, true, StandardCharsets.UTF_8));
        return new Run(rc, buf.toString(StandardCharsets.UTF_8));
    }

    /**
     * KRaft applies new topics to the broker's metadata cache asynchronously, so a listing right after
     * creation can miss them; wait (bounded) until they are visible before looking at them.
     */
    private static void awaitVisible(List<String> topics) throws Exception {
        for (int attempt = 0; attempt < 200; attempt++) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).containsAll(topics)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("topics never became visible: " + topics);
    }

    private static TopicDescription describe(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    }

    private static Config configOf(String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
    }

    @Test
    void createsMissingTopicsAndTheirTwinsThenFindsThemUnchanged() throws Exception {
        Run first = run(config("a."), topicsFile());
        assertEquals(TopicProvisioner.OK, first.exitCode(), first.output());
        assertTrue(first.output().contains("summary: 6 topics: 6 created, 0 already as specified, 0 differ, 0 failed"),
                first.output());

        awaitVisible(List.of("a.modehop.checkpoint.ready", "a.modehop.checkpoint.ready.dlq",
                "a.modehop.probe.scored", "a.modehop.probe.scored.dlq", "a.modehop.checkpoint.ranked",
                "a.modehop.checkpoint.ranked.dlq"));
        assertEquals(4, describe("a.modehop.probe.scored").partitions().size());
        assertEquals(1, describe("a.modehop.probe.scored.dlq").partitions().size());
        assertEquals(1, describe("a.modehop.probe.scored").partitions().get(0).replicas().size());
        assertEquals("7776000000", configOf("a.modehop.checkpoint.ready").get("retention.ms").value());
        assertEquals("2592000000", configOf("a.modehop.checkpoint.ready.dlq").get("retention.ms").value());
        assertEquals("1", configOf("a.modehop.probe.scored").get("min.insync.replicas").value(),
                "lowered to the overridden replication factor");
        assertEquals("compact,delete", configOf("a.modehop.checkpoint.ranked").get("cleanup.policy").value());

        Run second = run(config("a."), topicsFile());
        assertEquals(TopicProvisioner.OK, second.exitCode(), second.output());
        assertTrue(second.output().contains("summary: 6 topics: 0 created, 6 already as specified, 0 differ, 0 failed"),
                second.output());
    }

    @Test
    void reportsButDoesNotChangeTopicsThatDifferAndFailsWhenTheInputsAreNotCoPartitioned() throws Exception {
        admin.createTopics(List.of(new NewTopic("b.modehop.probe.scored", 2, (short) 1)
                .configs(Map.of("retention.ms", "1000")))).all().get(30, TimeUnit.SECONDS);
        awaitVisible(List.of("b.modehop.probe.scored"));

        Run run = run(config("b."), topicsFile());
        assertEquals(TopicProvisioner.KAFKA_ERROR, run.exitCode(), run.output());
        assertTrue(run.output().contains("failed   input topics are not co-partitioned: b.modehop.checkpoint.ready has 4, "
                + "b.modehop.probe.scored has 2 partitions"), run.output());
        String line = run.output().lines().filter(l -> l.startsWith("differs  b.modehop.probe.scored:")).findFirst()
                .orElseThrow(() -> new AssertionError(run.output()));
        assertTrue(line.contains("partitions: want 4, have 2"), line);
        assertTrue(line.contains("retention.ms: want 604800000, have 1000"), line);
        assertTrue(run.output().contains("5 created, 0 already as specified, 1 differ, 0 failed"), run.output());
        assertEquals(2, describe("b.modehop.probe.scored").partitions().size(), "never altered");
        assertEquals("1000", configOf("b.modehop.probe.scored").get("retention.ms").value(), "never altered");
    }

    @Test
    void replicationFactorAboveTheBrokerCountFailsWithExitCodeOne() throws Exception {
        ServiceConfig cfg = ServiceConfig.of(Map.of(ServiceConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                ServiceConfig.TOPIC_PREFIX, "c."));
        Run run = run(cfg, topicsFile());
        assertEquals(TopicProvisioner.KAFKA_ERROR, run.exitCode(), run.output());
        assertTrue(run.output().contains("failed   c.modehop.probe.scored: InvalidReplicationFactorException"), run.output());
    }

    @Test
    void unreachableBrokerFailsWithExitCodeTwo() throws Exception {
        // Port 1 on loopback: nothing listens there; the short timeout only bounds the test.
        ServiceConfig cfg = ServiceConfig.of(Map.of(ServiceConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1",
                ServiceConfig.TOPICS_TIMEOUT_MS, "3000"));
        Run run = run(cfg, topicsFile());
        assertEquals(TopicProvisioner.UNREACHABLE, run.exitCode(), run.output());
        assertEquals(2, run.exitCode());
        assertTrue(run.output().contains("modehop: error: cannot talk to Kafka at 127.0.0.1:1"), run.output());
    }
}
