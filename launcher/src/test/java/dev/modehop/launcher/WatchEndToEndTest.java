package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.core.MonitorConfig;
import dev.modehop.events.CheckpointPredictors;
import dev.modehop.events.ModeObservation;
import dev.modehop.schemas.Topic;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.model.RandomCheckpoints;
import dev.modehop.probes.toy.ToyVocabulary;
import dev.modehop.scorer.worker.ScorerSettings;
import dev.modehop.scorer.worker.ScorerWorker;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training job that only saves HF-style folders, with no modehop code: {@code modehop watch} announces each
 * folder once complete (never a half-written one), a scorer worker scores it, and the detection job observes
 * its modes. All on the embedded broker and registry.
 */
class WatchEndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void foldersWrittenByATrainingJobAreAnnouncedScoredAndObserved() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("out"));
        try (EmbeddedStack stack = EmbeddedStack.start(null, 0, 0, 1, MonitorConfig.defaults());
             TopicFollower outputs = new TopicFollower(stack.kafka.bootstrapServers(), stack.topics, null)) {
            String bootstrap = stack.kafka.bootstrapServers();
            ScorerWorker scorer = ScorerWorker.create(Map.of("bootstrap.servers", bootstrap), "watch-test-scorer",
                    stack.topics, ScorerSettings.builder().defaultSuite("toy").build(), "watch-test",
                    new PrintStream(OutputStream.nullOutputStream()));
            Thread scorerThread = new Thread(scorer, "scorer");
            scorerThread.start();
            Thread watch = new Thread(() -> Modehop.run("watch", out.toString(), "--run", "py-run",
                    "--interval-ms", "100", "--settle-ms", "300", "--bootstrap", bootstrap,
                    "--registry", stack.registry.url()), "watch");
            watch.start();
            try {
                // A half-written checkpoint: config and tokenizer, weights not yet there.
                Path partial = Files.createDirectory(out.resolve("checkpoint-200"));
                RandomCheckpoints.writeConfig(partial, RandomCheckpoints.toyRun());
                RandomCheckpoints.write(out.resolve("checkpoint-100"), RandomCheckpoints.toyRun(), 1, 0.02,
                        TensorDType.F32, ToyVocabulary.tokenizerJson());
                assertTrue(outputs.await(() -> observedSteps(outputs).contains(100L), Duration.ofSeconds(90)),
                        "step 100 observed");
                List<Long> announced = announcedSteps(stack);
                assertEquals(List.of(100L), announced, "only the complete folder is announced");
                RandomCheckpoints.write(partial, RandomCheckpoints.toyRun(), 2, 0.02, TensorDType.F32,
                        ToyVocabulary.tokenizerJson());
                assertTrue(outputs.await(() -> observedSteps(outputs).contains(200L), Duration.ofSeconds(90)),
                        "step 200 observed once its weights arrived");
                assertEquals(List.of(100L, 200L), announcedSteps(stack));
                assertEquals(2, predictorSteps(stack).size(), "one predictors record per scored checkpoint");
            } finally {
                watch.interrupt();
                watch.join(10_000);
                scorer.close();
                scorerThread.join(10_000);
            }
        }
    }

    private static List<Long> observedSteps(TopicFollower outputs) {
        return outputs.received(ModeObservation.class).stream().map(ModeObservation::getStep).distinct().toList();
    }

    private static List<Long> announcedSteps(EmbeddedStack stack) {
        return readAll(stack, stack.topics.checkpointReady).stream().map(r -> r.getStep()).sorted().toList();
    }

    private static List<Long> predictorSteps(EmbeddedStack stack) {
        return readAll(stack, stack.topics.checkpointPredictors).stream().map(CheckpointPredictors::getStep).toList();
    }

    private static <V> List<V> readAll(EmbeddedStack stack, Topic<V> topic) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, "watch-test-" + UUID.randomUUID());
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<V> values = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < deadline) {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    values.add(topic.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                }
            }
        }
        return values;
    }
}
