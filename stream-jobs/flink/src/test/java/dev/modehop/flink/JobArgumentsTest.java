package dev.modehop.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.core.MonitorConfig;
import dev.modehop.schemas.AvroSerdes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class JobArgumentsTest {

    private final ByteArrayOutputStream warnings = new ByteArrayOutputStream();

    private JobArguments parse(CheckpointConfig cluster, String... args) {
        return JobArguments.parse(args, cluster, new PrintStream(warnings, true, StandardCharsets.UTF_8));
    }

    private static CheckpointConfig cluster(String interval) {
        Configuration conf = new Configuration();
        if (interval != null) {
            conf.setString("execution.checkpointing.interval", interval);
        }
        return StreamExecutionEnvironment.getExecutionEnvironment(conf).getCheckpointConfig();
    }

    private String warned() {
        return warnings.toString(StandardCharsets.UTF_8);
    }

    @Test
    void topicPrefixIsSpelledLikeEveryOtherCommand() {
        JobArguments a = parse(cluster(null), "--bootstrap", "kafka:9092", "--registry", "http://r:8080/apis/ccompat/v7",
                "--topic-prefix", "staging.");
        assertEquals("kafka:9092", a.bootstrapServers());
        assertEquals("staging.", a.settings().topicPrefix());
        assertEquals("http://r:8080/apis/ccompat/v7", a.settings().serdeConfig().get(AvroSerdes.REGISTRY_URL));
        assertFalse(warned().contains("deprecated"), warned());
    }

    @Test
    void theOldPrefixSpellingStillWorksWithAWarning() {
        JobArguments a = parse(cluster(null), "--bootstrap", "k:9092", "--registry", "http://r:8080", "--prefix", "old.");
        assertEquals("old.", a.settings().topicPrefix());
        assertTrue(warned().contains("--prefix is deprecated") && warned().contains("--topic-prefix"), warned());
    }

    @Test
    void theClustersCheckpointIntervalReachesTheJobUnlessTheCommandLineSetsOne() {
        String[] base = {"--bootstrap", "k:9092", "--registry", "http://r:8080"};
        assertEquals(Duration.ofSeconds(30), parse(cluster("30s"), base).settings().checkpointInterval());
        assertEquals(Duration.ofSeconds(1), parse(cluster(null), base).settings().checkpointInterval());
        String[] explicit = {"--bootstrap", "k:9092", "--registry", "http://r:8080", "--checkpoint-interval-ms", "5000"};
        assertEquals(Duration.ofSeconds(5), parse(cluster("30s"), explicit).settings().checkpointInterval());
    }

    @Test
    void monitorSettingsDefaultToCoreAndCanBeGiven() {
        MonitorConfig byDefault = parse(cluster(null), "--bootstrap", "k:9092", "--registry", "http://r:8080")
                .settings().monitorConfig().get();
        assertEquals(MonitorConfig.defaults().stabilityCheckpoints(), byDefault.stabilityCheckpoints());
        assertEquals(MonitorConfig.defaults().missingScoreTimeoutMs(), byDefault.missingScoreTimeoutMs());
        MonitorConfig given = parse(cluster(null), "--bootstrap", "k:9092", "--registry", "http://r:8080",
                "--stability-checkpoints", "3", "--missing-timeout", "120").settings().monitorConfig().get();
        assertEquals(3, given.stabilityCheckpoints());
        assertEquals(120_000, given.missingScoreTimeoutMs());
    }

    @Test
    void theSerializerCanBeNamed() {
        JobArguments a = parse(cluster(null), "--bootstrap", "k:9092", "--registry", "http://r:8080",
                "--value-serializer", "com.example.Ser", "--value-deserializer", "com.example.De");
        assertEquals("com.example.Ser", a.settings().serdeConfig().get(AvroSerdes.SERIALIZER));
        assertEquals("com.example.De", a.settings().serdeConfig().get(AvroSerdes.DESERIALIZER));
    }

    @Test
    void bootstrapAndRegistryAreRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(cluster(null), "--registry", "http://r:8080"));
        assertTrue(e.getMessage().contains("--bootstrap"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse(cluster(null), "--bootstrap", "k:9092"));
        assertTrue(e.getMessage().contains("--registry"), e.getMessage());
    }
}
