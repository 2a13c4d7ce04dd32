package dev.modehop.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modehop replay} against a broker host that is killed half-way: the replay must exit 2 and say how
 * many records it did not write, and that count must be honest: after the broker comes back on its data
 * folder, at least every record the replay did not call missing is on the topics.
 */
class ReplayBrokerDeathTest {
    static final Pattern NOT_WRITTEN = Pattern.compile("modehop: error: replay: (\\d+) of (\\d+) records not written");

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aReplayWhoseBrokerDiesExitsTwoWithTheCountNotWritten() throws Exception {
        Path logs = Path.of("target", "fault-logs", "replay-broker-death");
        UpHost ports = UpHost.onFreePorts();
        String bootstrap = ports.bootstrap();
        String registry = ports.registry();
        String[] host = ports.up(tmp.resolve("data"), 2, "--engine", "none");
        Launched broker = Launched.start("broker-host", logs, "768m", true, Map.of(), host);
        try {
            broker.await(Pattern.compile("modehop is up"), Duration.ofSeconds(90));
            try (Launched replay = Launched.start("replay", logs, "256m", true, Map.of(), "replay",
                    Workload.FLIPPED.toAbsolutePath().toString(), "--run", "dying", "--delay-ms", "150",
                    "--bootstrap", bootstrap, "--registry", registry)) {
                replay.await(Pattern.compile("replay: 10/40 checkpoints published"), Duration.ofSeconds(60));
                broker.kill();
                assertTrue(replay.waitFor(Duration.ofSeconds(120)), "replay still running 120 s after the broker died");
                String out = replay.output();
                assertEquals(2, replay.exitCode(), out);
                Matcher m = NOT_WRITTEN.matcher(out);
                assertTrue(m.find(), out);
                long notWritten = Long.parseLong(m.group(1));
                long total = Long.parseLong(m.group(2));
                assertEquals(80, total, "40 checkpoints, each an announcement and one score");
                assertTrue(notWritten > 0 && notWritten < total, out);
                assertTrue(!out.contains("replayed "), "no success line: " + out);

                broker = Launched.start("broker-host", logs, "768m", true, Map.of(), host);
                broker.await(Pattern.compile("modehop is up"), Duration.ofSeconds(90));
                Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, registry));
                long onTopics = countRecords(bootstrap, List.of(topics.checkpointReady.name(), topics.probeScored.name()));
                System.out.printf("replay against a broker killed at checkpoint 10/40: exit %d, %d of %d records "
                        + "reported not written, %d on the topics after the broker came back%n",
                        replay.exitCode(), notWritten, total, onTopics);
                assertTrue(onTopics >= total - notWritten, "acknowledged records were lost: " + onTopics
                        + " on the topics, " + (total - notWritten) + " acknowledged");
                assertTrue(onTopics < total, "the replay called records missing that are all there");
            }
        } finally {
            broker.close();
        }
    }

    private static long countRecords(String bootstrap, List<String> names) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = names.stream()
                    .flatMap(n -> consumer.partitionsFor(n, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(n, p.partition())))
                    .toList();
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            return partitions.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum();
        }
    }
}
