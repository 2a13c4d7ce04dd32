package dev.modehop.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicsFileTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path f = dir.resolve("topics.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private static TopicSpec byName(List<TopicSpec> specs, String name) {
        return specs.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + specs));
    }

    @Test
    void inheritanceOfDefaultsTopicAndDlqSettings() throws IOException {
        List<TopicSpec> specs = TopicsFile.load(write("""
                version: 1
                defaults:
                  partitions: 6
                  replicationFactor: 3
                  retention: 7d
                  config:
                    min.insync.replicas: 2
                dlq:
                  partitions: 1
                  retention: 30d
                topics:
                  modehop.checkpoint.ready:
                    retention: 90d
                  modehop.probe.scored: {}
                  modehop.run.control:
                    partitions: 3
                    dlq: false
                  modehop.hop.detected:
                    dlq:
                      retention: forever
                """));
        assertEquals(List.of("modehop.checkpoint.ready", "modehop.checkpoint.ready.dlq", "modehop.probe.scored",
                "modehop.probe.scored.dlq", "modehop.run.control", "modehop.hop.detected", "modehop.hop.detected.dlq"),
                specs.stream().map(TopicSpec::name).toList());

        TopicSpec ready = byName(specs, "modehop.checkpoint.ready");
        assertEquals(6, ready.partitions());
        assertEquals(3, ready.replicationFactor());
        assertEquals(Map.of("retention.ms", "7776000000", "min.insync.replicas", "2"), ready.configs());

        TopicSpec readyDlq = byName(specs, "modehop.checkpoint.ready.dlq");
        assertEquals(1, readyDlq.partitions());
        assertEquals(3, readyDlq.replicationFactor());
        assertEquals("2592000000", readyDlq.configs().get("retention.ms"));

        assertEquals(3, byName(specs, "modehop.run.control").partitions());
        assertEquals("-1", byName(specs, "modehop.hop.detected.dlq").configs().get("retention.ms"));
        assertEquals(1, byName(specs, "modehop.hop.detected.dlq").partitions());
    }

    @Test
    void retentionDurations() {
        assertEquals(500, TopicsFile.parseRetentionMs("500ms"));
        assertEquals(45_000, TopicsFile.parseRetentionMs("45s"));
        assertEquals(1_800_000, TopicsFile.parseRetentionMs("30m"));
        assertEquals(43_200_000, TopicsFile.parseRetentionMs("12h"));
        assertEquals(604_800_000, TopicsFile.parseRetentionMs("7d"));
        assertEquals(1_209_600_000, TopicsFile.parseRetentionMs("2w"));
        assertEquals(-1, TopicsFile.parseRetentionMs("forever"));
        assertThrows(IllegalArgumentException.class, () -> TopicsFile.parseRetentionMs("7 days"));
    }

    @Test
    void errorsNameTheFileAndPath() throws IOException {
        assertError("""
                defaults: {partitions: 1, replicationFactor: 1}
                topics:
                  modehop.a: {partitions: 0}
                """, "topics.modehop.a.partitions");
        assertError("""
                defaults: {partitions: 1, replicationFactor: 1}
                topics:
                  modehop.a: {partition: 2}
                """, "topics.modehop.a.partition: unknown key");
        assertError("""
                defaults: {partitions: 1, replicationFactor: 1}
                topics:
                  modehop.a: {retention: 7days}
                """, "topics.modehop.a.retention");
        assertError("""
                defaults: {partitions: 1}
                topics:
                  modehop.a: {}
                """, "defaults: partitions and replicationFactor are required");
        assertError("""
                defaults: {partitions: 1, replicationFactor: 1}
                topics:
                  modehop.a: {}
                  modehop.a: {}
                """, "not valid YAML");
        assertError("""
                defaults: {partitions: 1, replicationFactor: 1}
                topics:
                  "bad name!": {}
                """, "not a legal Kafka topic name");
        assertError("""
                defaults: {partitions: 1, replicationFactor: 1}
                topics: [modehop.a]
                """, "topics: expected a non-empty map");
        assertError("defaults: [\n", "not valid YAML");
        assertError("", "file is empty");
    }

    @Test
    void inputTopicsWithDifferentPartitionCountsAreRefused() throws IOException {
        assertError("""
                version: 1
                defaults: {partitions: 6, replicationFactor: 3}
                topics:
                  modehop.checkpoint.ready: {}
                  modehop.datawindow.closed: {}
                  modehop.probe.scored: {partitions: 12}
                  modehop.hop.detected: {partitions: 2}
                """, "input topics are not co-partitioned: topics.modehop.checkpoint.ready has 6, "
                + "topics.modehop.datawindow.closed has 6, topics.modehop.probe.scored has 12 partitions");
        // Output topics may differ: only the inputs of one task must line up.
        List<TopicSpec> ok = TopicsFile.load(write("""
                version: 1
                defaults: {partitions: 6, replicationFactor: 3}
                topics:
                  modehop.probe.scored: {}
                  modehop.hop.detected: {partitions: 2}
                """));
        assertEquals(2, byName(ok, "modehop.hop.detected").partitions());
    }

    @Test
    void shippedTopicsFilesAreCoPartitioned() {
        for (String shipped : List.of("../deploy/topics.yaml", "../helm/modehop/files/topics.yaml")) {
            List<TopicSpec> specs = TopicsFile.load(Path.of(shipped));
            List<Integer> counts = dev.modehop.schemas.Topics.inputNames("").stream()
                    .map(n -> byName(specs, n).partitions()).distinct().toList();
            assertEquals(1, counts.size(), shipped + ": " + counts);
        }
    }

    @Test
    void unreadableFileIsAnError() {
        TopicsFile.InvalidTopicsFileException e = assertThrows(TopicsFile.InvalidTopicsFileException.class,
                () -> TopicsFile.load(dir.resolve("missing.yaml")));
        assertTrue(e.getMessage().contains("missing.yaml"), e.getMessage());
    }

    private void assertError(String yaml, String expected) throws IOException {
        Path f = write(yaml);
        TopicsFile.InvalidTopicsFileException e = assertThrows(TopicsFile.InvalidTopicsFileException.class,
                () -> TopicsFile.load(f));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(f.toString()),
                () -> "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void prefixAndReplicationOverrideApply() {
        ServiceConfig cfg = ServiceConfig.of(Map.of(ServiceConfig.TOPIC_PREFIX, "dev.",
                ServiceConfig.TOPICS_REPLICATION_FACTOR, "1"));
        List<TopicSpec> physical = TopicProvisioner.physicalSpecs(cfg,
                List.of(new TopicSpec("modehop.a", 3, (short) 3, Map.of("min.insync.replicas", "2", "retention.ms", "5"))));
        assertEquals("dev.modehop.a", physical.get(0).name());
        assertEquals(1, physical.get(0).replicationFactor());
        assertEquals(Map.of("min.insync.replicas", "1", "retention.ms", "5"), physical.get(0).configs());
    }

    @Test
    void badTopicsFileGivesExitCodeTwoWithoutContactingKafka() throws IOException {
        Path f = write("topics: {}\n");
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        int rc = TopicProvisioner.run(ServiceConfig.of(Map.of(ServiceConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1")), f,
                new java.io.PrintStream(buf, true));
        assertEquals(TopicProvisioner.BAD_INPUT, rc);
        assertTrue(buf.toString().startsWith("error: topics file"), buf.toString());
    }
}
