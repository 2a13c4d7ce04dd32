package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.core.MonitorConfig;
import dev.modehop.events.Mode;
import dev.modehop.events.ModeObservation;
import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.Topic;
import dev.modehop.scorer.generation.SuccessorModel;
import dev.modehop.scorer.predictors.PredictorSettings;
import dev.modehop.probes.GenerativeItem;
import dev.modehop.probes.SuiteRow;
import dev.modehop.probes.SuiteSpec;
import dev.modehop.probes.SuiteWriter;
import dev.modehop.scorer.worker.ScorerSettings;
import dev.modehop.scorer.worker.ScorerWorker;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generative families end to end on the embedded broker, registry and detection job: a checkpoint folder of a model
 * that counts on ({@link SuccessorModel}) is announced with {@code modehop publish checkpoint}, a scorer worker
 * samples a suite with one generative family whose answers it produces and one whose answers it cannot, publishes
 * both match rates on probe.scored, and the job observes each as its own family: GENERALIZING near 1, PARROT near 0.
 */
class GenerativeEndToEndTest {
    @TempDir
    Path tmp;

    private static String counting(int from, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append("t").append((from + i) % SuccessorModel.VOCAB);
        }
        return sb.toString();
    }

    private Path suite() throws Exception {
        List<SuiteRow> rows = new ArrayList<>();
        for (int q = 0; q < 4; q++) {
            int a = 1 + 3 * q;
            for (int seed = 0; seed < 2; seed++) {
                rows.add(new GenerativeItem("onward/count/" + q, "onward", "count", seed, counting(a, 2),
                        counting(a + 2, 2), 30, 1.0, 3, List.of(), null));
                rows.add(new GenerativeItem("backward/count/" + q, "backward", "count", seed, counting(a, 2),
                        "t" + (a + 1) + " t" + a, 30, 1.0, 3, List.of(), null));
            }
        }
        Path out = tmp.resolve("suite");
        SuiteWriter.write(out, new SuiteSpec("gen-e2e", "1", "test", "hand", 1, new ObjectMapper().createObjectNode(),
                tmp), rows);
        return out;
    }

    @Test
    void matchRatesNearOneAndNearZeroArePublishedAndObservedAsTheirOwnFamilies() throws Exception {
        Path checkpoint = SuccessorModel.write(tmp.resolve("checkpoint-100"), 2);
        Path suite = suite();
        try (EmbeddedStack stack = EmbeddedStack.start(null, 0, 0, 1, MonitorConfig.defaults());
             TopicFollower records = new TopicFollower(stack.kafka.bootstrapServers(),
                     List.<Topic<?>>of(stack.topics.probeScored, stack.topics.modeObserved), null)) {
            String bootstrap = stack.kafka.bootstrapServers();
            ScorerWorker scorer = ScorerWorker.create(Map.of("bootstrap.servers", bootstrap), "gen-e2e-scorer",
                    stack.topics, ScorerSettings.builder().device("cpu").defaultSuite(suite.toString())
                            .predictors(PredictorSettings.off()).build(), "gen-e2e",
                    new PrintStream(OutputStream.nullOutputStream()));
            Thread scorerThread = new Thread(scorer, "scorer");
            scorerThread.start();
            try {
                assertEquals(0, Modehop.run("publish", "checkpoint", "--run", "gen-run", "--step", "100", "--uri",
                        checkpoint.toString(), "--bootstrap", bootstrap, "--registry", stack.registry.url()));
                assertTrue(records.await(() -> observed(records, "onward").isPresent()
                        && observed(records, "backward").isPresent(), Duration.ofSeconds(120)), "both observed");
            } finally {
                scorer.close();
                scorerThread.join(10_000);
            }
            List<ProbeScore> scores = records.received(ProbeScore.class);
            assertEquals(2, scores.size(), scores.toString());
            for (ProbeScore s : scores) {
                assertEquals("match_rate", s.getMetric());
                assertEquals(30, s.getSamples());
                assertEquals(4, s.getQuestions());
                assertEquals(2, s.getTaskCount());
                double rate = s.getHardAccuracy();
                assertTrue(s.getFamily().equals("onward") ? rate > 0.9 : rate < 0.05, s.getFamily() + " " + rate);
            }
            ModeObservation onward = observed(records, "onward").orElseThrow();
            ModeObservation backward = observed(records, "backward").orElseThrow();
            assertEquals(Mode.GENERALIZING, onward.getMode(), onward.toString());
            assertEquals(Mode.PARROT, backward.getMode(), backward.toString());
            assertTrue(onward.getHardAccuracy() > 0.9 && backward.getHardAccuracy() < 0.05);
        }
    }

    private static Optional<ModeObservation> observed(TopicFollower records, String series) {
        return records.received(ModeObservation.class).stream().filter(o -> o.getSeries().equals(series)).findFirst();
    }
}
