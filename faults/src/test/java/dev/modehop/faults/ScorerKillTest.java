package dev.modehop.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.core.Ids;
import dev.modehop.core.OfflineDetection;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ProbeScore;
import dev.modehop.producers.sdk.EventPublisher;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.toyrun.PlannedWindow;
import dev.modehop.toyrun.ToyRun;
import dev.modehop.toyrun.ToyRunConfig;
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
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scorer worker ({@code modehop scorer}, its own process, a static member of its group) is killed with
 * SIGKILL while it scores a checkpoint and restarted at once: every announced checkpoint is scored and on
 * probe.scored (a checkpoint whose scores were sent but not yet committed may be scored twice, with the same
 * ids and values, which the monitor drops as duplicates), none is dead-lettered. Downstream, the Kafka Streams
 * job ({@code modehop streams}, its own process) turns the scores of a toy run that hops (trained here, 10
 * checkpoints) into exactly one observation per family and
 * checkpoint, and exactly the hops, verdicts and alerts that the offline detectors ({@code modehop detect}'s
 * path) find on the same scores pooled per family: none lost, none duplicated by the re-sent scores.
 */
class ScorerKillTest {
    /** 500 steps at p_icl 0.9, then 500 at 0.1: one hop of each toy family after step 500. */
    static final List<PlannedWindow> SCHEDULE = List.of(new PlannedWindow(500, 0.9), new PlannedWindow(500, 0.1));
    static final String RUN = "scorer-fault";
    /** A progress line of a checkpoint not finished yet: the kill falls inside its scoring. */
    static final Pattern MID_CHECKPOINT = Pattern.compile("run " + RUN + " step \\d+ toy: \\d+/1024 items \\((?!100%)\\d+%\\)");
    static final Pattern STARTED = Pattern.compile("(?m)^scorer: group ");

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
    void killedMidCheckpointScoresEveryCheckpointAndDeadLettersNone() throws Exception {
        Path logs = Path.of("target", "fault-logs", "scorer-kill");
        UpHost ports = UpHost.onFreePorts();
        String bootstrap = ports.bootstrap();
        String registry = ports.registry();
        Map<String, String> scorerEnv = Map.of(
                "MODEHOP_BOOTSTRAP_SERVERS", bootstrap,
                "MODEHOP_REGISTRY_URL", registry,
                "MODEHOP_GROUP_ID", "faults-scorer",
                "MODEHOP_GROUP_INSTANCE_ID", "scorer-0",
                "MODEHOP_HEALTH_PORT", "0",
                "MODEHOP_DEVICE", "cpu",
                // A progress line after every batch: on a quiet machine a toy checkpoint scores in under a
                // second, and the default 5 s interval would print none before 100%, leaving nothing to kill in.
                "MODEHOP_PROGRESS_SECONDS", "0",
                "MODEHOP_SERVICE_NAME", "scorer");
        try (Launched host = Launched.start("broker-host", logs, "768m", true, Map.of(),
                ports.up(tmp.resolve("data"), 2, "--engine", "none"))) {
            host.await(Pattern.compile("modehop is up"), Duration.ofSeconds(90));
            Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, registry));
            Path rules = Files.writeString(tmp.resolve("rules.txt"), Reference.RULES);
            Launched job = Launched.start("streams-0", logs, "512m", true, Map.of(
                    "MODEHOP_BOOTSTRAP_SERVERS", bootstrap,
                    "MODEHOP_REGISTRY_URL", registry,
                    "MODEHOP_GROUP_ID", "faults-streams",
                    "MODEHOP_HEALTH_PORT", "0",
                    "MODEHOP_SERVICE_NAME", "streams",
                    "MODEHOP_STREAMS_STATE_DIR", tmp.resolve("streams-state").toString()),
                    "streams", "--rules", rules.toString());
            try (job; CommittedOutputs outputs = new CommittedOutputs(bootstrap, topics)) {
                job.await(StreamsJobKillTest.STARTED, Duration.ofSeconds(90));
                killAndCompare(tmp, logs, bootstrap, topics, scorerEnv, outputs);
            }
        }
    }

    private void killAndCompare(Path tmp, Path logs, String bootstrap, Topics topics, Map<String, String> scorerEnv,
                                CommittedOutputs outputs) throws Exception {
        int tasks = ProbeSuite.load("toy").byTask().size();
        Set<String> owed = new TreeSet<>();
        Map<Long, Path> checkpoints = trainToyRun(tmp.resolve("toy-run"));
        try (EventPublisher publisher = new EventPublisher(bootstrap, Map.of())) {
            for (Map.Entry<Long, Path> c : checkpoints.entrySet()) {
                long step = c.getKey();
                publisher.send(topics.checkpointReady, RUN, CheckpointReady.newBuilder().setRunId(RUN).setStep(step)
                        .setTokensSeen(0).setUri(c.getValue().toString()).setSuite("toy")
                        .setProducedAt(System.currentTimeMillis()).build());
                ProbeSuite.load("toy").byTask().keySet().forEach(t ->
                        owed.add(Ids.probeScore(RUN, step, t.family(), t.task())));
            }
            publisher.awaitDelivery();
        }
        assertEquals(checkpoints.size() * tasks, owed.size());
        Launched scorer = Launched.start("scorer-0", logs, "1g", false, scorerEnv, "scorer", "--suite", "toy");
        try (CommittedOutputs scores = new CommittedOutputs(bootstrap, topics,
                List.of(topics.probeScored.name(), topics.checkpointReady.dlq()))) {
            scorer.await(STARTED, Duration.ofSeconds(90));
            // Let it finish two checkpoints, then kill it inside the next one's scoring.
            while (scores.count(topics.probeScored.name()) < 2L * tasks) {
                Launched.sleep(50);
            }
            int before = scorer.output().length();
            while (!MID_CHECKPOINT.matcher(scorer.output().substring(before)).find()) {
                Launched.sleep(5);
            }
            scorer.kill();
            long killed = System.nanoTime();
            long scoredAtKill = scores.count(topics.probeScored.name());
            scorer = Launched.start("scorer-0", logs, "1g", false, scorerEnv, "scorer", "--suite", "toy");
            // Taken over once the restarted worker reports progress on a checkpoint again.
            scorer.await(Pattern.compile("run " + RUN + " step \\d+ toy: \\d+/1024 items"), Duration.ofSeconds(120));
            long resumed = System.nanoTime();
            // Generous: on a loaded machine the toy model scores about 100 items/s, 10 s a checkpoint.
            long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
            while (System.nanoTime() < deadline && !ids(scores, topics).containsAll(owed)) {
                Launched.sleep(250);
            }
            Launched.sleep(2_000);
            List<ProbeScore> all = scores.values(topics.probeScored);
            Map<String, ProbeScore> first = new HashMap<>();
            int duplicates = 0;
            for (ProbeScore s : all) {
                ProbeScore earlier = first.putIfAbsent(s.getId(), s);
                if (earlier != null) {
                    duplicates++;
                    assertEquals(earlier.getHardAccuracy(), s.getHardAccuracy(), "a re-scored checkpoint scores the same");
                    assertEquals(earlier.getSoftScore(), s.getSoftScore(), "a re-scored checkpoint scores the same");
                }
            }
            Ledger ledger = Ledger.of("probe scores", owed, List.copyOf(first.keySet()));
            System.out.printf("scorer killed mid-checkpoint (%d of %d scores written at the kill): %s, %d re-sent "
                    + "duplicates (same ids and values), %d dead letters; kill to scoring again %d ms%n",
                    scoredAtKill, owed.size(), ledger, duplicates, scores.count(topics.checkpointReady.dlq()),
                    (resumed - killed) / 1_000_000);
            assertTrue(ledger.clean(), ledger.toString());
            assertEquals(0, scores.count(topics.checkpointReady.dlq()), "no checkpoint dead-lettered");

            // Downstream: the job's outputs against the offline reference on the same (first-seen) scores.
            Map<String, Map<Long, double[]>> pooled = new TreeMap<>();
            for (ProbeScore s : first.values()) {
                double[] acc = pooled.computeIfAbsent(s.getFamily(), f -> new TreeMap<>())
                        .computeIfAbsent(s.getStep(), k -> new double[2]);
                acc[0] += s.getHardAccuracy() * s.getItems();
                acc[1] += s.getItems();
            }
            List<OfflineDetection.Point> points = new ArrayList<>();
            Set<String> observations = new TreeSet<>();
            pooled.forEach((family, bySteps) -> bySteps.forEach((step, acc) -> {
                points.add(new OfflineDetection.Point(family, step, acc[0] / acc[1], (int) acc[1], Double.NaN));
                observations.add(Ids.observation(RUN, family, step));
            }));
            Reference reference = Reference.empty();
            reference.add(points, RUN);
            // The schedule's switch to p_icl 0.1 makes the toy model hop; a comparison of empty sets proves nothing.
            assertFalse(reference.hops().isEmpty(), "the offline reference finds the toy run's hop: " + points);
            List<Ledger> ledgers = new ArrayList<>(outputs.settle(reference, Duration.ofSeconds(90)));
            ledgers.add(0, Ledger.of("observations", observations,
                    outputs.values(topics.modeObserved).stream().map(o -> o.getId()).toList()));
            System.out.printf("downstream of the killed scorer (Kafka Streams job vs offline detection on the same"
                    + " scores): %s; job dead letters %d%n", ledgers, outputs.deadLetters());
            for (Ledger l : ledgers) {
                assertTrue(l.clean(), l.toString());
            }
            assertEquals(0, outputs.deadLetters(), "no valid input dead-lettered by the job");
        } finally {
            scorer.close();
        }
    }

    /**
     * The toy run (TOYRUN.md's model and optimizer) trained for {@link #SCHEDULE}, a checkpoint every 100 steps:
     * generalizing in the ICL-rich window, then a hop to the memorized answer once the mixture turns.
     */
    static Map<Long, Path> trainToyRun(Path dir) {
        return ToyRun.train(ToyRunConfig.builder(dir, 0).schedule(SCHEDULE).checkpointEvery(100).build());
    }

    private static Set<String> ids(CommittedOutputs scores, Topics topics) {
        Set<String> ids = new TreeSet<>();
        scores.values(topics.probeScored).forEach(s -> ids.add(s.getId()));
        return ids;
    }
}
