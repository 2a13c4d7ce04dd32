package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.core.MonitorConfig;
import dev.modehop.events.CheckpointPredictors;
import dev.modehop.events.CheckpointRanking;
import dev.modehop.events.HopStability;
import dev.modehop.events.ProbeScore;
import dev.modehop.events.SourceStatistics;
import dev.modehop.producers.sdk.EventPublisher;
import dev.modehop.producers.sdk.TrainingRunClient;
import dev.modehop.schemas.ProbeScores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modehop report data|predictors|checkpoints} against the real pieces: a broker with three partitions per
 * topic, the registry and the Streams job; a run whose flipped family follows its windows' ICL share (ICL-rich:
 * generalizing, ICL-poor: parrot) with a predictor planted to track it and one unrelated to it, next to another
 * run on the same topics that the reports must leave out.
 */
class ReportCommandTest {
    static final String RUN = "report-run";
    static final String OTHER = "other-run";
    static final double[] SCHEDULE = {0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9};
    static final int WINDOW = 400;
    static EmbeddedStack stack;
    static String[] connection;

    @TempDir
    static Path temp;

    @BeforeAll
    static void publishARunAndWaitForTheJob() throws Exception {
        stack = EmbeddedStack.start(null, 0, 0, 3, MonitorConfig.defaults());
        connection = new String[] {"--bootstrap", stack.kafka.bootstrapServers(), "--registry", stack.registry.url()};
        java.util.Random noise = new java.util.Random(5);
        try (TrainingRunClient run = new TrainingRunClient(RUN, stack.topics, stack.kafka.bootstrapServers(), Map.of());
             TrainingRunClient other = new TrainingRunClient(OTHER, stack.topics, stack.kafka.bootstrapServers(), Map.of());
             TopicFollower job = new TopicFollower(stack.kafka.bootstrapServers(), stack.topics, null)) {
            EventPublisher publisher = run.publisher();
            for (int w = 0; w < SCHEDULE.length; w++) {
                run.dataWindow("w" + w, (long) w * WINDOW, (long) (w + 1) * WINDOW, 0,
                        Map.of("icl", SCHEDULE[w], "iwl", 1 - SCHEDULE[w]));
            }
            other.dataWindow("x0", 0, 1000, 0, Map.of("web", 1.0));
            int checkpoints = SCHEDULE.length * WINDOW / 50;
            for (int i = 1; i <= checkpoints; i++) {
                long step = 50L * i;
                double icl = SCHEDULE[(int) ((step - 1) / WINDOW)];
                double acc = icl > 0.5 ? 0.97 : 0.03;
                run.checkpointReady(step, step * 1000, "/ckpt/" + RUN + "/checkpoint-" + step, 0.5);
                publisher.send(stack.topics.probeScored, RUN, score(RUN, step, acc));
                publisher.send(stack.topics.checkpointPredictors, RUN, CheckpointPredictors.newBuilder()
                        .setId(RUN + "/" + step + "/predictors").setRunId(RUN).setStep(step).setSuite("toy")
                        .setParameterL2Norm(10 + noise.nextGaussian()).setLayer(1).setPrompts(64)
                        .setRankMe(20 + 10 * acc + noise.nextGaussian())
                        // unrelated to the soft score: flips every checkpoint, orthogonal to the 8-checkpoint windows
                        .setParticipationRatio(3.0 + (i % 2 == 0 ? 1 : -1))
                        .build());
            }
            for (int i = 1; i <= 4; i++) {
                other.checkpointReady(50L * i, 0, "/elsewhere/" + i, 0.5);
                publisher.send(stack.topics.probeScored, OTHER, score(OTHER, 50L * i, 0.5));
            }
            publisher.flush();
            // every hop of the run judged: one per window switch, all lasting
            assertTrue(job.await(() -> job.received(HopStability.class).stream()
                    .filter(v -> v.getRunId().equals(RUN)).count() >= SCHEDULE.length - 1
                    && !job.received(SourceStatistics.class).isEmpty()
                    && !job.received(CheckpointRanking.class).isEmpty(), Duration.ofSeconds(90)),
                    "the job judged the run's hops: " + job.received(HopStability.class));
        }
    }

    static ProbeScore score(String run, long step, double acc) {
        return ProbeScores.counted(run, step, "toy", "flipped", "main", 512, acc, 1.6 * acc - 0.8).setSeedCount(4)
                .setScorerId("test").setProducedAt(step).build();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    static CommandLineTest.Run report(String... args) {
        List<String> all = new ArrayList<>(List.of("report"));
        all.addAll(List.of(args));
        all.addAll(List.of(connection));
        return CommandLineTest.run(all.toArray(String[]::new));
    }

    @Test
    void dataSelectsTheIclRichWindowsAndWritesTheManifest() throws Exception {
        Path manifest = temp.resolve("manifest.json");
        CommandLineTest.Run r = report("data", "--run", RUN, "--manifest", manifest.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode m = new ObjectMapper().readTree(Files.readString(manifest));
        assertEquals(RUN, m.path("runId").asText());
        assertEquals(1, m.path("manifestVersion").asInt());
        List<String> ids = new ArrayList<>();
        m.path("windows").forEach(w -> ids.add(w.path("windowId").asText()));
        // the first ICL-rich window trained the model from chance; the climb out of MIXED may or may not be a hop
        assertTrue(ids.containsAll(List.of("w2", "w4", "w6")) && ids.stream().allMatch(id -> List.of("w0", "w2", "w4",
                "w6").contains(id)), "the ICL-rich windows after each ICL-poor one: " + ids + "\n" + r.out());
        JsonNode w2 = m.path("windows").get(ids.indexOf("w2"));
        assertEquals(800, w2.path("startStep").asLong());
        assertEquals(1200, w2.path("endStep").asLong());
        assertEquals(0.9, w2.path("mixture").path("icl").asDouble(), 1e-9);
        assertEquals(0.9, m.path("mixture").path("icl").asDouble(), 1e-9);
        assertTrue(r.out().contains("w2") && r.out().contains("source statistics"), r.out());
        // the published statistics: icl's weight before moves toward GENERALIZING is far above its base rate
        String iclLine = r.out().lines().filter(l -> l.trim().startsWith("icl") && l.contains("GENERALIZING"))
                .findFirst().orElseThrow(() -> new AssertionError(r.out()));
        double z = Double.parseDouble(iclLine.trim().split("\\s+")[6]);
        assertTrue(z > 2, iclLine);
    }

    @Test
    void predictorsBeatOrNotTheRandomBaseline() {
        CommandLineTest.Run r = report("predictors", "--run", RUN);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("the stream job's predictor test, modehop.predictor.test"),
                "read from the topic the Streams job published, end to end: " + r.out());
        String rankMe = line(r.out(), "rankMe");
        String pr = line(r.out(), "participationRatio");
        assertTrue(rankMe.endsWith("yes"), "the planted RankMe tracks the soft score: " + rankMe);
        assertTrue(pr.endsWith("no"), "the unrelated predictor does not: " + pr);
        assertTrue(rankMe.contains(" 56 "), "over the run's 56 checkpoints, not the other run's: " + rankMe);
    }

    @Test
    void checkpointsListsTheTopWithFoldersAndWhy() {
        CommandLineTest.Run r = report("checkpoints", "--run", RUN, "--top", "3");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("/ckpt/" + RUN + "/checkpoint-"), r.out());
        assertTrue(r.out().contains("  3. step"), r.out());
        assertTrue(!r.out().contains("  4. step"), r.out());
        assertTrue(r.out().contains("flipped") && r.out().contains("weight 1.00"), r.out());
    }

    @Test
    void anUnknownRunIsOneErrorLine() {
        CommandLineTest.Run r = report("checkpoints", "--run", "nope");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("modehop: error: no records of run 'nope'"), r.err());
    }

    private static String line(String out, String predictor) {
        return out.lines().filter(l -> l.contains(" " + predictor + " ")).findFirst()
                .orElseThrow(() -> new AssertionError(out)).strip();
    }
}
