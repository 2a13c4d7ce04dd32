package dev.modehop.toyrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.core.AlertRules;
import dev.modehop.core.MonitorConfig;
import dev.modehop.core.Output;
import dev.modehop.core.ProbeScore;
import dev.modehop.core.RunMonitor;
import dev.modehop.core.RunState;
import dev.modehop.core.Verdict;
import dev.modehop.embedded.EmbeddedKafka;
import dev.modehop.embedded.EmbeddedSchemaRegistry;
import dev.modehop.events.AveragedFamily;
import dev.modehop.events.AveragingOutcome;
import dev.modehop.events.AveragingStatus;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.HopAveraging;
import dev.modehop.events.OneStepStatus;
import dev.modehop.events.SteppedFamily;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import dev.modehop.scorer.predictors.PredictorSettings;
import dev.modehop.scorer.scoring.ProgressListener;
import dev.modehop.scorer.scoring.TaskScore;
import dev.modehop.scorer.worker.AveragingWorker;
import dev.modehop.scorer.worker.CheckpointScoring;
import dev.modehop.scorer.worker.ScorerSettings;
import dev.modehop.step.OutputTable;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper's two properties of a hop, on the toy run: a schedule with a planted 50-step ICL-poor window (a
 * one-checkpoint dip of the flipped family, judged TRANSIENT) and a lasting one (a STABLE hop). The monitor
 * detects and judges both from the scorer's real scores, its averaging-test rule asks for the tests, the
 * requests go through the monitor step's output table onto a real broker, and the averaging worker answers
 * each on {@code hop.averaging}: the dip is removed by averaging, the stable hop is not, and one AdamW step
 * from the hop's checkpoint (its saved state) moves the probe probabilities less than the hop did. Then a
 * folder is deleted and a request is refused with the reason. About 4 minutes on 2 loaded cores (training,
 * 23 checkpoints scored, 3 averaging tests of 5 scorings each, the broker).
 */
class ToyRunAveragingTest {
    private static final String RUN = "toy-averaging";

    @TempDir
    Path tmp;

    @Test
    void transientDipIsRemovedByAveragingStableHopIsNotAndOneStepBarelyMoves() throws Exception {
        ToyRunConfig config = ToyRunConfig.builder(tmp, 0).schedule(List.of(new PlannedWindow(600, 0.9),
                new PlannedWindow(50, 0.1), new PlannedWindow(350, 0.9), new PlannedWindow(150, 0.1))).build();
        TreeMap<Long, Path> folders = ToyRun.train(config);
        assertTrue(Files.isRegularFile(folders.get(650L).resolve("optimizer.safetensors")), "AdamW state saved");

        // detection: the worker's scoring, the monitor's semantics, the demo's rule
        CheckpointScoring scoring = new CheckpointScoring(ScorerSettings.builder().device("cpu")
                .defaultSuite("toy").predictors(PredictorSettings.off()).build());
        RunMonitor monitor = new RunMonitor(MonitorConfig.builder().rules(AlertRules.parse("""
                avg-dip: when * hops to * and is TRANSIENT then averaging-test
                avg-stable: when * hops to * and is STABLE then averaging-test
                """)).build());
        RunState state = new RunState(RUN);
        List<Output> outputs = new ArrayList<>();
        long at = 1;
        for (Map.Entry<Long, Path> c : folders.entrySet()) {
            outputs.addAll(monitor.onCheckpointReady(state, new dev.modehop.core.CheckpointReady(RUN, c.getKey(), 0,
                    c.getValue().toString(), at)));
            List<TaskScore> tasks = scoring.score(c.getValue(), scoring.suite(null), ProgressListener.NONE).score().tasks();
            for (TaskScore t : tasks) {
                outputs.addAll(monitor.onResult(state, new ProbeScore(RUN, c.getKey(), "toy", t.family(), t.task(),
                        t.seedCount(), t.items(), t.hardAccuracy(), t.softScore(), t.stderr(), tasks.size(), at)));
            }
            at += 1000;
        }
        List<Output.AveragingRequest> requests = outputs.stream().filter(o -> o instanceof Output.AveragingRequest)
                .map(o -> (Output.AveragingRequest) o).toList();
        Output.AveragingRequest dip = requests.stream().filter(r -> r.verdict() == Verdict.TRANSIENT
                && r.series().equals("flipped")).findFirst()
                .orElseThrow(() -> new AssertionError("no transient dip judged: " + outputs));
        // the switch to 0.1 at step 1000: flipped hops to PARROT, repetitive to GENERALIZING, both STABLE
        Output.AveragingRequest stable = requests.stream().filter(r -> r.verdict() == Verdict.STABLE
                && r.hopStep() > 1000 && r.series().equals("repetitive")).findFirst()
                .orElseThrow(() -> new AssertionError("no stable hop: " + outputs));
        assertEquals(650, dip.hopStep(), "the planted dip");

        EmbeddedKafka kafka = EmbeddedKafka.start();
        try (kafka; EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(0)) {
            Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, registry.url()));
            kafka.createTopics(List.of(topics.checkpointReady.name(), topics.averagingRequested.name(),
                    topics.averagingRequested.dlq(), topics.hopAveraging.name()), 2);
            OutputTable table = new OutputTable(topics);
            try (KafkaProducer<String, CheckpointReady> announce = new KafkaProducer<>(Map.of("bootstrap.servers",
                    kafka.bootstrapServers()), new StringSerializer(), topics.checkpointReady.valueSerde().serializer());
                 KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers",
                         kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                for (Map.Entry<Long, Path> c : folders.entrySet()) {
                    announce.send(new ProducerRecord<>(topics.checkpointReady.name(), RUN, CheckpointReady.newBuilder()
                            .setRunId(RUN).setStep(c.getKey()).setTokensSeen(0).setUri(c.getValue().toUri().toString())
                            .setFormat("safetensors").setProducedAt(1).setSuite("toy").build())).get();
                }
                for (Output.AveragingRequest r : List.of(dip, stable)) {
                    raw.send(new ProducerRecord<>(table.topicOf(r).name(), RUN, table.encode(r, 7))).get();
                }
            }
            Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
            AveragingWorker worker = AveragingWorker.create(client, "averaging-test", topics,
                    ScorerSettings.builder().device("cpu").build(), new AveragingWorker.Settings(5, 1e-2,
                            Duration.ofSeconds(5)), "avg-1", new PrintStream(PrintStream.nullOutputStream()));
            Thread thread = new Thread(worker, "averaging");
            thread.start();
            Map<String, HopAveraging> results;
            Output.AveragingRequest gone = new Output.AveragingRequest("cli-request", RUN, null, 650, 3, Verdict.STABLE,
                    "cli");
            try {
                results = read(kafka, topics, 2);
                deleteRecursively(folders.get(700L));
                try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers",
                        kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                    raw.send(new ProducerRecord<>(table.topicOf(gone).name(), RUN, table.encode(gone, 8))).get();
                }
                results = read(kafka, topics, 3);
            } finally {
                worker.close();
                thread.join(30_000);
            }
            HopAveraging d = results.get(dip.id() + "/result");
            HopAveraging s = results.get(stable.id() + "/result");
            assertNotNull(d, results.keySet().toString());
            assertNotNull(s, results.keySet().toString());
            assertEquals(AveragingStatus.DONE, d.getStatus(), String.valueOf(d.getReason()));
            assertEquals(List.of(550L, 600L, 650L, 700L, 750L), d.getSteps());
            assertEquals(600L, d.getOldStep());
            assertEquals(AveragingOutcome.REMOVED, family(d, "flipped").getOutcome(), d.toString());
            assertEquals(List.of(950L, 1000L, 1050L, 1100L, 1150L), s.getSteps());
            assertEquals(AveragingOutcome.KEPT, family(s, "repetitive").getOutcome(),
                    "the stable hop's average stays in its new mode: " + s);
            // flipped hopped at the same checkpoint; its average may land between the modes, never undo the hop
            assertTrue(family(s, "flipped").getOutcome() != AveragingOutcome.REMOVED, s.toString());
            HopAveraging refused = results.get("cli-request/result");
            assertEquals(AveragingStatus.REFUSED, refused.getStatus(), refused.toString());
            assertTrue(refused.getReason().contains("gone: step 700"), refused.getReason());

            for (HopAveraging r : List.of(d, s)) {
                assertEquals(OneStepStatus.DONE, r.getOneStep().getStatus(), String.valueOf(r.getOneStep().getReason()));
                SteppedFamily f = r.getOneStep().getFamilies().stream().filter(x -> x.getFamily().equals("flipped"))
                        .findFirst().orElseThrow();
                assertTrue(f.getProbabilityChange() > 0, "the step moved the model: " + f);
                assertTrue(f.getProbabilityChange() < f.getHopProbabilityChange(),
                        "one step at lr 1e-2 moves the probabilities less than the hop did: " + f);
            }
            System.out.println("dip:    " + AveragingWorker.describe(d));
            System.out.println("stable: " + AveragingWorker.describe(s));
        }
    }

    private static AveragedFamily family(HopAveraging r, String family) {
        return r.getFamilies().stream().filter(f -> f.getFamily().equals(family)).findFirst().orElseThrow();
    }

    private static void deleteRecursively(Path p) throws java.io.IOException {
        try (var files = Files.walk(p)) {
            for (Path x : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    private static Map<String, HopAveraging> read(EmbeddedKafka kafka, Topics topics, int n) {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", kafka.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, HopAveraging> out = new HashMap<>();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + n);
        try (KafkaConsumer<String, HopAveraging> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                topics.hopAveraging.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.hopAveraging.name()));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, HopAveraging> r : consumer.poll(Duration.ofMillis(500))) {
                    assertEquals(RUN, r.key(), "keyed by run");
                    out.put(r.value().getId(), r.value());
                }
            }
        }
        return out;
    }
}
