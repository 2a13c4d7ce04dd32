package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.embedded.EmbeddedKafka;
import dev.modehop.embedded.EmbeddedSchemaRegistry;
import dev.modehop.events.CheckpointReady;
import dev.modehop.toyrun.PlannedWindow;
import dev.modehop.toyrun.ToyRun;
import dev.modehop.toyrun.ToyRunConfig;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import dev.modehop.scorer.worker.AveragingWorker;
import dev.modehop.scorer.worker.ScorerSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modehop test averaging} against a real broker, registry and averaging worker, on checkpoints of a
 * short toy run: the answer is printed and the command exits 0; with a folder of the window deleted the scorers
 * refuse and the command prints one {@code modehop: error:} line naming the folder and exits 2; a step never
 * announced is refused the same way.
 */
class TestAveragingCommandTest {
    @TempDir
    Path tmp;

    @Test
    void printsTheResultAndExitsTwoWhenTheFoldersAreGone() throws Exception {
        ToyRunConfig config = ToyRunConfig.builder(tmp, 0).schedule(List.of(new PlannedWindow(200, 0.9))).build();
        TreeMap<Long, Path> folders = ToyRun.train(config);
        EmbeddedKafka kafka = EmbeddedKafka.start();
        try (kafka; EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(0)) {
            Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, registry.url()));
            kafka.createTopics(topics.allNamesWithDlq(), 1);
            try (KafkaProducer<String, CheckpointReady> p = new KafkaProducer<>(Map.of("bootstrap.servers",
                    kafka.bootstrapServers()), new StringSerializer(), topics.checkpointReady.valueSerde().serializer())) {
                for (Map.Entry<Long, Path> c : folders.entrySet()) {
                    p.send(new ProducerRecord<>(topics.checkpointReady.name(), "r", CheckpointReady.newBuilder()
                            .setRunId("r").setStep(c.getKey()).setTokensSeen(0).setUri(c.getValue().toString())
                            .setFormat("safetensors").setProducedAt(1).setSuite("toy").build())).get();
                }
            }
            AveragingWorker worker = AveragingWorker.create(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    "averaging", topics, ScorerSettings.builder().device("cpu").build(),
                    new AveragingWorker.Settings(5, 1e-2, Duration.ofSeconds(1)), "avg",
                    new PrintStream(PrintStream.nullOutputStream()));
            Thread thread = new Thread(worker, "averaging");
            thread.start();
            try {
                String[] connection = {"--bootstrap", kafka.bootstrapServers(), "--registry", registry.url(),
                        "--timeout", "PT3M"};
                CommandLineTest.Run ok = CommandLineTest.run(concat(new String[] {"test", "averaging", "--run", "r",
                        "--step", "100", "--checkpoints", "3"}, connection));
                assertEquals(0, ok.code(), ok.err() + ok.out());
                assertTrue(ok.out().contains("averaging test of run r, hop at step 100: average of steps [50, 100, 150]"),
                        ok.out());
                assertTrue(ok.out().contains("one AdamW step from step 100 at lr 1e-02"), ok.out());

                try (var files = Files.walk(folders.get(150L))) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
                CommandLineTest.Run gone = CommandLineTest.run(concat(new String[] {"test", "averaging", "--run", "r",
                        "--step", "100", "--checkpoints", "3"}, connection));
                assertEquals(2, gone.code(), gone.out());
                assertTrue(gone.err().startsWith("modehop: error: the scorers refused the averaging test of run r at step 100: "
                        + "checkpoint folder is gone: step 150"), gone.err());
                assertEquals(1, gone.err().strip().lines().count(), gone.err());

                CommandLineTest.Run unknown = CommandLineTest.run(concat(new String[] {"test", "averaging", "--run", "r",
                        "--step", "75"}, connection));
                assertEquals(2, unknown.code(), unknown.out());
                assertTrue(unknown.err().contains("step 75 of run r was never announced"), unknown.err());
            } finally {
                worker.close();
                thread.join(30_000);
            }
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
