package dev.modehop.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.core.Ids;
import dev.modehop.events.Alert;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.HopStability;
import dev.modehop.events.ModeHop;
import dev.modehop.events.ProbeScore;
import dev.modehop.producers.sdk.EventPublisher;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.model.RandomCheckpoints;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.probes.toy.ToyVocabulary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The local cluster of {@code deploy/local-cluster} (3 KRaft brokers, the Apicurio Registry server, 2 Kafka
 * Streams instances, 2 scorers, the dashboard, each its own process) as one system:
 * <ol>
 *   <li>two recorded histories published with {@code modehop replay} come out as exactly the hops, verdicts and
 *       alerts {@code modehop detect} finds in them (same ids, directions, target modes, verdicts; each once);</li>
 *   <li>while histories stream in and scorers score toy checkpoints, one broker, one Streams instance and one
 *       scorer are killed with SIGKILL and restarted: every hop, verdict and alert owed is on the
 *       {@code read_committed} outputs exactly once, every probe score is there; in the same stream a third
 *       Streams instance is added ({@code cluster.sh start streams-3}) and one removed ({@code cluster.sh stop
 *       streams-2}), the group seen Stable with 3 members, then 2;</li>
 *   <li>{@code down} leaves no process behind.</li>
 * </ol>
 * Runs with {@code -Pcluster} only. Prints start-up time, throughput, the recovery time of each kill and the pause around each membership
 * change (deploy/README.md quotes them).
 */
class LocalClusterTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void clusterMatchesDetectSurvivesKillsAndStopsClean() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("modehop.cluster"), "runs with -Pcluster (mvn -Pcluster -pl faults -am verify)");
        Path dir = Path.of("target", "local-cluster").toAbsolutePath();
        Launched.deleteTree(dir);
        Path logs = dir.resolve("test-logs");
        Files.createDirectories(dir);
        Path rules = Files.writeString(dir.resolve("rules.txt"), Reference.RULES);
        Map<String, Long> everyPid = new TreeMap<>();
        // Progress every 0.2 s: the toy checkpoint scores in about 4 s on a quiet machine, inside the default
        // interval, and the scorer is killed on its first mid-checkpoint progress line.
        LocalCluster cluster = LocalCluster.up(dir, Map.of("MODEHOP_RULES_FILE", rules.toString(),
                "MODEHOP_PROGRESS_SECONDS", "0.2"), Duration.ofMinutes(4));
        try {
            everyPid.putAll(cluster.pids());
            System.out.printf("local cluster up in %.1f s (%d processes: %s)%n", cluster.upSeconds, everyPid.size(),
                    everyPid.keySet());
            Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, cluster.registryUrl));
            Map<String, String> clientEnv = Map.of("MODEHOP_BOOTSTRAP_SERVERS", cluster.bootstrap,
                    "MODEHOP_REGISTRY_URL", cluster.registryUrl);
            try (CommittedOutputs outputs = new CommittedOutputs(cluster.bootstrap, topics)) {
                compareWithDetect(cluster, outputs, logs, clientEnv);
                Map<String, Set<Integer>> scorerPartitions = assertSpread(cluster.bootstrap, topics.checkpointReady.name());
                killEachAndRestart(cluster, topics, outputs, dir, scorerPartitions);
            }
        } finally {
            everyPid.putAll(cluster.pids());  // streams-3 included
            cluster.close();
            everyPid.putAll(cluster.pids());
        }
        assertNothingLeft(cluster, everyPid);
    }

    /** No process of the cluster alive after {@code down}: neither a pid it ever had nor anything started from its folder or jar. */
    static void assertNothingLeft(LocalCluster cluster, Map<String, Long> everyPid) {
        List<String> left = new ArrayList<>();
        everyPid.forEach((name, pid) -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .ifPresent(p -> left.add(name + " (pid " + pid + ")")));
        String jar = Launched.JAR.toAbsolutePath().normalize().toString();
        String flinkLib = Workload.ROOT.resolve("deploy/local-cluster/target/flink-lib").toAbsolutePath().normalize().toString();
        ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid()).filter(p -> p.info().commandLine().map(c -> c.contains(cluster.dir.toString())
                || c.contains(jar) || c.contains(flinkLib)).orElse(false)).forEach(p -> left.add(p.info().commandLine().orElse("?")));
        assertTrue(left.isEmpty(), "processes left after down: " + left);
        assertTrue(cluster.pids().isEmpty(), "pid files left after down: " + cluster.pids());
    }

    /** Replays two histories with the CLI and compares the cluster's outputs with {@code modehop detect}'s. */
    static void compareWithDetect(LocalCluster cluster, CommittedOutputs outputs, Path logs,
                                   Map<String, String> clientEnv) throws Exception {
        Map<String, Path> histories = new LinkedHashMap<>();
        histories.put("cmp-flipped", Workload.FLIPPED);
        histories.put("cmp-pythia", Workload.PYTHIA);
        Map<String, String> hops = new TreeMap<>();
        Map<String, String> verdicts = new TreeMap<>();
        Set<String> alerts = new TreeSet<>();
        long t0 = System.nanoTime();
        for (Map.Entry<String, Path> h : histories.entrySet()) {
            try (Launched replay = Launched.start("replay-" + h.getKey(), logs, "256m", true, clientEnv, "replay",
                    h.getValue().toString(), "--run", h.getKey())) {
                assertTrue(replay.waitFor(Duration.ofSeconds(120)) && replay.exitCode() == 0,
                        "modehop replay failed:\n" + Launched.tail(replay.output()));
            }
        }
        double published = (System.nanoTime() - t0) / 1e9;
        for (Map.Entry<String, Path> h : histories.entrySet()) {
            try (Launched detect = Launched.start("detect-" + h.getKey(), logs, "256m", true, Map.of(), "detect",
                    "--input", h.getValue().toString())) {
                assertTrue(detect.waitFor(Duration.ofSeconds(120)) && detect.exitCode() == 0,
                        "modehop detect failed:\n" + Launched.tail(detect.output()));
                for (String line : detect.output().split("\n")) {
                    if (!line.startsWith("{")) {
                        continue;
                    }
                    JsonNode hop = JSON.readTree(line);
                    String hopId = Ids.hop(h.getKey(), hop.get("series").asText(), hop.get("step").asLong());
                    hops.put(hopId, hop.get("direction").asText() + " to " + hop.get("to").asText());
                    alerts.add(hopId + "/hop-seen/pending");
                    String stability = hop.get("stability").asText();
                    if (stability.equals("STABLE") || stability.equals("TRANSIENT")) {
                        verdicts.put(Ids.stability(hopId), stability);
                        alerts.add(hopId + (stability.equals("STABLE") ? "/hop-stable/stable" : "/hop-transient/transient"));
                    }
                }
            }
        }
        for (String run : histories.keySet()) {
            assertTrue(hops.keySet().stream().anyMatch(id -> id.startsWith(run + "/")), "detect finds hops in " + run);
        }
        Set<String> runs = histories.keySet();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        List<String> seenHops;
        List<String> seenVerdicts;
        List<String> seenAlerts;
        do {
            Launched.sleep(500);
            seenHops = outputs.values(outputs.topics().hopDetected).stream().filter(v -> runs.contains(v.getRunId()))
                    .map(v -> v.getId() + "=" + v.getDirection() + " to " + v.getTo()).toList();
            seenVerdicts = outputs.values(outputs.topics().hopStability).stream().filter(v -> runs.contains(v.getRunId()))
                    .map(v -> v.getId() + "=" + v.getVerdict()).toList();
            seenAlerts = outputs.values(outputs.topics().alertRaised).stream().filter(v -> runs.contains(v.getRunId()))
                    .map(Alert::getId).toList();
        } while (System.nanoTime() < deadline && (seenHops.size() < hops.size() || seenVerdicts.size() < verdicts.size()
                || seenAlerts.size() < alerts.size()));
        double settled = (System.nanoTime() - t0) / 1e9;
        Launched.sleep(3_000);  // duplicates would arrive right behind
        seenHops = outputs.values(outputs.topics().hopDetected).stream().filter(v -> runs.contains(v.getRunId()))
                .map(v -> v.getId() + "=" + v.getDirection() + " to " + v.getTo()).sorted().toList();
        seenVerdicts = outputs.values(outputs.topics().hopStability).stream().filter(v -> runs.contains(v.getRunId()))
                .map(v -> v.getId() + "=" + v.getVerdict()).sorted().toList();
        seenAlerts = outputs.values(outputs.topics().alertRaised).stream().filter(v -> runs.contains(v.getRunId()))
                .map(Alert::getId).sorted().toList();
        System.out.printf("cluster vs detect: %d hops, %d verdicts, %d alerts owed; replay published in %.1f s, all "
                + "outputs committed %.1f s after the first record%n", hops.size(), verdicts.size(), alerts.size(),
                published, settled);
        assertEquals(pairs(hops), seenHops, "hops (id=direction to mode), each once");
        assertEquals(pairs(verdicts), seenVerdicts, "verdicts (id=verdict), each once");
        assertEquals(List.copyOf(alerts), seenAlerts, "alerts, each once");
    }

    private static List<String> pairs(Map<String, String> m) {
        return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
    }

    /**
     * Runs are spread: each of the 2 Streams instances and each of the 2 scorers owns input partitions. Returns
     * the partitions of checkpoint.ready each scorer owns, by member (group.instance.id).
     */
    private static Map<String, Set<Integer>> assertSpread(String bootstrap, String checkpointReady) throws Exception {
        Map<String, Set<Integer>> scorerPartitions = new TreeMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(
                    List.of("modehop-streams", "modehop-scorer")).all().get(30, TimeUnit.SECONDS);
            for (ConsumerGroupDescription g : groups.values()) {
                Collection<MemberDescription> members = g.members();
                Map<String, Integer> owned = new TreeMap<>();
                for (MemberDescription m : members) {
                    String member = m.groupInstanceId().orElse(m.consumerId());
                    owned.put(member, m.assignment().topicPartitions().size());
                    if (g.groupId().equals("modehop-scorer")) {
                        m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(checkpointReady))
                                .forEach(tp -> scorerPartitions.computeIfAbsent(member, k -> new TreeSet<>()).add(tp.partition()));
                    }
                }
                System.out.printf("group %s: partitions per member %s%n", g.groupId(), owned);
                assertEquals(2, members.size(), g.groupId() + " has 2 members: " + owned);
                assertTrue(owned.values().stream().allMatch(n -> n > 0), g.groupId() + " spreads partitions: " + owned);
            }
        }
        return scorerPartitions;
    }

    /** A run id whose records land on one of {@code partitions} (the producer's default partitioner). */
    private static String runOn(String prefix, Set<Integer> partitions, int count) {
        for (int i = 0; ; i++) {
            String run = prefix + i;
            int p = Utils.toPositive(Utils.murmur2(run.getBytes(StandardCharsets.UTF_8))) % count;
            if (partitions.contains(p)) {
                return run;
            }
        }
    }

    /** Writes a toy checkpoint for a run on {@code owner}'s partitions, announces it, and owes its scores. */
    private static String announceToyCheckpoint(EventPublisher publisher, Topics topics, Path dir,
                                                Map.Entry<String, Set<Integer>> owner, int partitions,
                                                Set<String> owedScores) throws Exception {
        String run = runOn("toy-" + owner.getKey() + "-", owner.getValue(), partitions);
        long step = 50;
        Path folder = RandomCheckpoints.write(dir.resolve("checkpoints").resolve(run), RandomCheckpoints.toyRun(),
                step, 0.5, TensorDType.F32, ToyVocabulary.tokenizerJson());
        publisher.send(topics.checkpointReady, run, CheckpointReady.newBuilder().setRunId(run).setStep(step)
                .setTokensSeen(0).setUri(folder.toString()).setSuite("toy").setProducedAt(1L).build());
        ProbeSuite.load("toy").byTask().keySet().forEach(t -> owedScores.add(Ids.probeScore(run, step, t.family(), t.task())));
        return run;
    }

    /**
     * Histories stream in ({@link Workload}) and each scorer scores a toy checkpoint while a broker, a Streams
     * instance and a scorer (inside its checkpoint) are each killed with SIGKILL and restarted.
     */
    private static void killEachAndRestart(LocalCluster cluster, Topics topics, CommittedOutputs outputs, Path dir,
                                           Map<String, Set<Integer>> scorerPartitions) throws Exception {
        Set<String> owedScores = new TreeSet<>();
        Map<String, Long> recovery = new LinkedHashMap<>();
        Set<String> workloadRuns = new TreeSet<>();
        int partitions = 6;  // deploy/topics.yaml's default
        try (Workload workload = new Workload(cluster.bootstrap, topics, 3, 150, Map.of());
             EventPublisher publisher = new EventPublisher(cluster.bootstrap, Map.of());
             CommittedOutputs scores = new CommittedOutputs(cluster.bootstrap, topics, List.of(topics.probeScored.name()))) {
            long started = System.nanoTime();
            long countAtStart = outputs.count();
            // One toy checkpoint on each scorer's partitions: scorer-2's now, scorer-1's after the broker and Streams
            // kills, so that scorer-1 is still inside its own when it is killed (a toy checkpoint scores in seconds).
            for (Map.Entry<String, Set<Integer>> owner : scorerPartitions.entrySet()) {
                if (!owner.getKey().equals("scorer-1")) {
                    announceToyCheckpoint(publisher, topics, dir, owner, partitions, owedScores);
                }
            }
            publisher.awaitDelivery();
            while (outputs.firstArrivalAfter(started) < 0) {
                Launched.sleep(50);
            }
            Launched.sleep(2_000);
            recovery.put("broker-2", killAndRestart(cluster, "broker-2", outputs, topics.hopDetected.name()));
            Launched.sleep(2_000);
            recovery.put("streams-1", killAndRestart(cluster, "streams-1", outputs, topics.modeObserved.name()));
            String scorer1Run = announceToyCheckpoint(publisher, topics, dir,
                    Map.entry("scorer-1", scorerPartitions.get("scorer-1")), partitions, owedScores);
            publisher.awaitDelivery();
            java.util.regex.Pattern midCheckpoint = java.util.regex.Pattern.compile(
                    "run " + scorer1Run + " step 50 toy: \\d+/1024 items \\((?!100%)\\d+%\\)");
            long since = System.nanoTime();
            while (!midCheckpoint.matcher(cluster.log("scorer-1")).find()) {
                if (System.nanoTime() - since > Duration.ofSeconds(120).toNanos()) {
                    throw new AssertionError("scorer-1 reported no progress in 120 s:\n" + cluster.logTail("scorer-1"));
                }
                Launched.sleep(50);
            }
            recovery.put("scorer-1", killAndRestart(cluster, "scorer-1", scores, topics.probeScored.name()));
            String membership = addAndRemoveStreamsInstance(cluster, outputs);
            int runs = workload.finish(240_000);
            for (int i = 0; i < runs; i++) {
                workloadRuns.add("run-" + i);
            }
            long scoreDeadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            Set<String> scored = new TreeSet<>();
            int records = 0;
            while (System.nanoTime() < scoreDeadline) {
                scored.clear();
                records = 0;
                for (ProbeScore s : scores.values(topics.probeScored)) {
                    if (s.getRunId().startsWith("toy-")) {
                        scored.add(s.getId());
                        records++;
                    }
                }
                if (scored.containsAll(owedScores)) {
                    break;
                }
                Launched.sleep(250);
            }
            Ledger scoreLedger = Ledger.of("toy probe scores", owedScores, List.copyOf(scored));
            // Every replica has the same service name (compose's and the chart's), so which worker scored a
            // checkpoint is in its own log, not in the record.
            Map<String, Long> byScorer = new TreeMap<>();
            for (String w : List.of("scorer-1", "scorer-2")) {
                byScorer.put(w, java.util.regex.Pattern.compile("run toy-\\S+ step \\d+ scored on toy")
                        .matcher(cluster.log(w)).results().count());
            }
            System.out.printf("scorers: %s; %d records (re-sent after the kill included); checkpoints scored per "
                    + "worker (from their logs): %s%n", scoreLedger, records, byScorer);
            assertTrue(scoreLedger.clean(), scoreLedger.toString());
            assertTrue(byScorer.values().stream().allMatch(n -> n > 0), "both scorers scored: " + byScorer);
            double seconds = (System.nanoTime() - started) / 1e9;
            List<Ledger> ledgers = settle(outputs, workload.reference, workloadRuns, Duration.ofSeconds(180));
            System.out.printf("under kills (broker-2, streams-1, scorer-1 inside a checkpoint) and streams-3 added, streams-2 "
                    + "removed: %d runs streamed, %s; %d committed output records in %.0f s (%.1f/s); kill -9 to restarted "
                    + "and ready (ms): %s; %s%n", workloadRuns.size(), ledgers, outputs.count() - countAtStart, seconds,
                    (outputs.count() - countAtStart) / seconds, recovery, membership);
            for (Ledger l : ledgers) {
                assertTrue(l.clean(), l.toString());
            }
            assertEquals(0, outputs.count(topics.probeScored.dlq()), "no probe score dead-lettered");
            assertEquals(0, outputs.count(topics.dataWindowClosed.dlq()), "no data window dead-lettered");
            // the scorers skip the replayed histories' announcements (their scores come with the history)
            assertEquals(0, outputs.count(topics.checkpointReady.dlq()), "no announcement dead-lettered");
        }
    }

    /**
     * Scale-out and scale-in while the workload streams: {@code cluster.sh start streams-3} (a third instance, its
     * own state dir and ports), the group Stable with 3 members, then {@code cluster.sh stop streams-2} (SIGTERM:
     * the instance commits and leaves the group), the group Stable with 2. Returns, for each change, how long the
     * group was not Stable and the longest stretch without a committed output, with the same measure over the
     * 3 s before the change as the workload's own pace.
     */
    private static String addAndRemoveStreamsInstance(LocalCluster cluster, CommittedOutputs outputs) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap))) {
            List<String> before = awaitStreamsGroup(admin, 2, System.nanoTime());
            long t0 = System.nanoTime();
            cluster.start("streams-3");
            long ready = System.nanoTime();
            List<String> three = awaitStreamsGroup(admin, 3, t0);
            long stable = System.nanoTime();
            Launched.sleep(5_000);
            out.append(change("streams-3 added", outputs, t0, ready, stable, before, three));
            long t1 = System.nanoTime();
            cluster.stop("streams-2");
            long stopped = System.nanoTime();
            List<String> two = awaitStreamsGroup(admin, 2, t1);
            long stable2 = System.nanoTime();
            assertTrue(two.stream().noneMatch(m -> m.startsWith("streams-2")), "streams-2 left the group: " + two);
            Launched.sleep(5_000);
            out.append("; ").append(change("streams-2 stopped", outputs, t1, stopped, stable2, three, two));
        }
        System.out.println("membership changes: " + out);
        return out.toString();
    }

    private static String change(String what, CommittedOutputs outputs, long start, long returned, long stable,
                                 List<String> before, List<String> after) {
        long window = stable + Duration.ofSeconds(5).toNanos();
        return String.format("%s (members %s -> %s): cluster.sh returned after %d ms, group Stable after %d ms, longest "
                        + "stretch without a committed output %d ms (3 s before: %d ms)", what, before, after,
                (returned - start) / 1_000_000, (stable - start) / 1_000_000, outputs.longestGapMs(start, window),
                outputs.longestGapMs(start - Duration.ofSeconds(3).toNanos(), start));
    }

    /**
     * Waits (up to 120 s after {@code since}) until the Streams group (Admin describeConsumerGroups) is Stable
     * with {@code members} members; returns "instance id=partitions assigned", sorted.
     */
    private static List<String> awaitStreamsGroup(Admin admin, int members, long since) throws Exception {
        long deadline = since + Duration.ofSeconds(120).toNanos();
        ConsumerGroupDescription g;
        do {
            g = admin.describeConsumerGroups(List.of("modehop-streams")).all().get(30, TimeUnit.SECONDS).get("modehop-streams");
            if (g.members().size() == members && g.groupState() == org.apache.kafka.common.GroupState.STABLE) {
                return g.members().stream().map(m -> m.groupInstanceId().orElse(m.consumerId()) + "="
                        + m.assignment().topicPartitions().size()).sorted().toList();
            }
            Launched.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("modehop-streams not Stable with " + members + " members in 120 s: " + g.groupState()
                + " " + g.members().stream().map(m -> m.groupInstanceId().orElse(m.consumerId())).toList());
    }

    /** SIGKILL, restart at once; returns ms from the kill until the restarted process is ready. */
    private static long killAndRestart(LocalCluster cluster, String name, CommittedOutputs outputs, String topic) {
        long before = outputs.count(topic);
        cluster.kill(name);
        long killed = System.nanoTime();
        cluster.start(name);
        long ready = (System.nanoTime() - killed) / 1_000_000;
        System.out.printf("%s killed with %d records on %s, restarted and ready after %d ms%n", name, before, topic, ready);
        return ready;
    }

    /** The workload runs' ledgers once every owed id has arrived (or the timeout passed), ids of other runs left out. */
    static List<Ledger> settle(CommittedOutputs outputs, Reference owed, Set<String> runs, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ids(outputs, runs, "hops").containsAll(owed.hops()) && ids(outputs, runs, "verdicts").containsAll(owed.verdicts())
                    && ids(outputs, runs, "alerts").containsAll(owed.alerts())) {
                break;
            }
            Launched.sleep(250);
        }
        Launched.sleep(3_000);
        return List.of(Ledger.of("hops", owed.hops(), ids(outputs, runs, "hops")),
                Ledger.of("verdicts", owed.verdicts(), ids(outputs, runs, "verdicts")),
                Ledger.of("alerts", owed.alerts(), ids(outputs, runs, "alerts")));
    }

    static List<String> ids(CommittedOutputs outputs, Set<String> runs, String kind) {
        Topics t = outputs.topics();
        return switch (kind) {
            case "hops" -> outputs.values(t.hopDetected).stream().filter(v -> runs.contains(v.getRunId())).map(ModeHop::getId).toList();
            case "verdicts" -> outputs.values(t.hopStability).stream().filter(v -> runs.contains(v.getRunId()))
                    .map(HopStability::getId).toList();
            default -> outputs.values(t.alertRaised).stream().filter(v -> runs.contains(v.getRunId())).map(Alert::getId).toList();
        };
    }
}
