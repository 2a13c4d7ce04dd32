package dev.modehop.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The local cluster with the Flink engine ({@code MODEHOP_CLUSTER_ENGINE=flink}): a Flink session cluster
 * (JobManager and TaskManager processes from flink-runtime's entry points) runs the job jar, submitted through
 * the REST API at parallelism 2 with exactly-once delivery. Two recorded histories come out as exactly what
 * {@code modehop detect} finds; then, while histories stream in, the TaskManager is killed with SIGKILL and
 * restarted: the job recovers from its last checkpoint and every hop, verdict and alert owed is on the
 * {@code read_committed} outputs exactly once. Runs with {@code -Pcluster} only.
 */
class LocalClusterFlinkTest {
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void flinkSessionClusterMatchesDetectAndSurvivesTaskManagerKill() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("modehop.cluster"), "runs with -Pcluster (mvn -Pcluster -pl faults -am verify)");
        // Built beforehand (.ci/run does): cluster.sh would build it itself, but not from inside this reactor,
        // whose classes the build would rewrite under the running test.
        try (java.util.stream.Stream<Path> built = Files.list(Workload.ROOT.resolve("stream-jobs/flink/target"))) {
            assertTrue(built.anyMatch(p -> p.toString().endsWith("-job.jar")),
                    "the Flink job jar is missing: mvn -pl stream-jobs/flink -am -Pjob-jar package -DskipTests");
        }
        Path dir = Path.of("target", "local-cluster-flink").toAbsolutePath();
        Launched.deleteTree(dir);
        Files.createDirectories(dir);
        Path rules = Files.writeString(dir.resolve("rules.txt"), Reference.RULES);
        Map<String, Long> everyPid = new TreeMap<>();
        LocalCluster cluster = LocalCluster.up(dir, Map.of("MODEHOP_RULES_FILE", rules.toString(),
                "MODEHOP_CLUSTER_ENGINE", "flink", "MODEHOP_CLUSTER_SCORERS", "1"), Duration.ofMinutes(5));
        try {
            everyPid.putAll(cluster.pids());
            System.out.printf("local cluster (flink) up in %.1f s (%d processes: %s)%n", cluster.upSeconds,
                    everyPid.size(), everyPid.keySet());
            String rest = "http://127.0.0.1:" + cluster.flinkRestPort();
            String jobId = Files.readString(dir.resolve("flink").resolve("job-id")).trim();
            JsonNode job = awaitRunning(rest, jobId, Duration.ofSeconds(120));
            for (JsonNode v : job.get("vertices")) {
                assertEquals(2, v.get("parallelism").asInt(), "every operator at parallelism 2: " + v);
            }
            Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, cluster.registryUrl));
            Map<String, String> clientEnv = Map.of("MODEHOP_BOOTSTRAP_SERVERS", cluster.bootstrap,
                    "MODEHOP_REGISTRY_URL", cluster.registryUrl);
            try (CommittedOutputs outputs = new CommittedOutputs(cluster.bootstrap, topics)) {
                LocalClusterTest.compareWithDetect(cluster, outputs, dir.resolve("test-logs"), clientEnv);
                Set<String> runs = new TreeSet<>();
                long started = System.nanoTime();
                long countAtStart = outputs.count();
                Takeover takeover;
                try (Workload workload = new Workload(cluster.bootstrap, topics, 3, 150, Map.of())) {
                    while (outputs.firstArrivalAfter(started) < 0) {
                        Launched.sleep(50);
                    }
                    Launched.sleep(4_000);
                    takeover = killTaskManagerAndTimeTakeover(cluster, rest, jobId, outputs);
                    int n = workload.finish(240_000);
                    for (int i = 0; i < n; i++) {
                        runs.add("run-" + i);
                    }
                    List<Ledger> ledgers = LocalClusterTest.settle(outputs, workload.reference, runs, Duration.ofSeconds(180));
                    double seconds = (System.nanoTime() - started) / 1e9;
                    System.out.printf("flink job, TaskManager killed mid-stream: %d runs, %s; %d committed output records in "
                            + "%.0f s (%.1f/s); %s%n", n, ledgers, outputs.count() - countAtStart, seconds,
                            (outputs.count() - countAtStart) / seconds, takeover);
                    for (Ledger l : ledgers) {
                        assertTrue(l.clean(), l.toString());
                    }
                    assertEquals(0, outputs.count(topics.probeScored.dlq()), "no probe score dead-lettered");
                    assertEquals(0, outputs.count(topics.dataWindowClosed.dlq()), "no data window dead-lettered");
                }
            }
        } finally {
            cluster.close();
            everyPid.putAll(cluster.pids());
        }
        LocalClusterTest.assertNothingLeft(cluster, everyPid);
    }

    /** Milliseconds after the TaskManager's SIGKILL at which each step of the takeover was seen. */
    record Takeover(long restartedTaskManager, long failureSeen, long restored, long firstCommit, String newId) {
        @Override
        public String toString() {
            return String.format("kill -9 of the TaskManager to: the new one (%s) registered %d ms, the job seen "
                    + "failing %d ms, the job RUNNING again with every task on the new TaskManager %d ms, the restored "
                    + "job's first committed output %d ms (the takeover)", newId, restartedTaskManager, failureSeen,
                    restored, firstCommit);
        }
    }

    /**
     * SIGKILL to the TaskManager and {@code cluster.sh start taskmanager} (ready when the JobManager lists a
     * TaskManager id it did not list before), while a poller follows the job's state every 100 ms: the takeover
     * ends at the first {@code read_committed} output after the job is RUNNING again, every vertex RUNNING, after
     * having been seen failing; then every task is checked to run on the new TaskManager.
     */
    private static final long NOT_SEEN = Long.MIN_VALUE;

    private static Takeover killTaskManagerAndTimeTakeover(LocalCluster cluster, String rest, String jobId,
                                                           CommittedOutputs outputs) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Set<String> before = taskManagerIds(http, rest);
        java.util.concurrent.atomic.AtomicLong failing = new java.util.concurrent.atomic.AtomicLong(NOT_SEEN);
        java.util.concurrent.atomic.AtomicLong restored = new java.util.concurrent.atomic.AtomicLong(NOT_SEEN);
        java.util.concurrent.atomic.AtomicBoolean polling = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread poller = new Thread(() -> {
            while (polling.get() && restored.get() == NOT_SEEN) {
                try {
                    boolean running = allRunning(get(http, rest + "/jobs/" + jobId));
                    long now = System.nanoTime();
                    if (!running && failing.get() == NOT_SEEN) {
                        failing.set(now);
                    } else if (running && failing.get() != NOT_SEEN) {
                        restored.set(now);
                    }
                } catch (Exception e) {
                    // the JobManager answers again on the next poll
                }
                Launched.sleep(100);
            }
        }, "flink-job-state");
        poller.setDaemon(true);
        poller.start();
        try {
            cluster.kill("taskmanager");
            long killed = System.nanoTime();
            cluster.start("taskmanager");
            long registered = System.nanoTime();
            Set<String> now = taskManagerIds(http, rest);
            now.removeAll(before);
            assertEquals(1, now.size(), "one new TaskManager id besides " + before + ": " + now);
            String newId = now.iterator().next();
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (restored.get() == NOT_SEEN && System.nanoTime() < deadline) {
                Launched.sleep(50);
            }
            assertTrue(restored.get() != NOT_SEEN, "the job was not seen failing and RUNNING again within 180 s (failing seen: "
                    + (failing.get() != NOT_SEEN) + "):\n" + cluster.logTail("jobmanager"));
            long resumed;
            while ((resumed = outputs.firstArrivalAfter(restored.get())) < 0 && System.nanoTime() < deadline) {
                Launched.sleep(50);
            }
            assertTrue(resumed > 0, "no committed output from the restored job within 180 s of the kill:\n"
                    + cluster.logTail("jobmanager"));
            for (JsonNode v : get(http, rest + "/jobs/" + jobId).get("vertices")) {
                JsonNode tms = get(http, rest + "/jobs/" + jobId + "/vertices/" + v.get("id").asText() + "/taskmanagers");
                for (JsonNode tm : tms.get("taskmanagers")) {
                    assertEquals(newId, tm.path("taskmanager-id").asText(), v.get("name").asText() + " runs on the new "
                            + "TaskManager: " + tms);
                }
            }
            return new Takeover((registered - killed) / 1_000_000, (failing.get() - killed) / 1_000_000,
                    (restored.get() - killed) / 1_000_000, (resumed - killed) / 1_000_000, newId);
        } finally {
            polling.set(false);
            poller.join(5_000);
        }
    }

    private static Set<String> taskManagerIds(HttpClient http, String rest) throws Exception {
        Set<String> ids = new TreeSet<>();
        get(http, rest + "/taskmanagers").get("taskmanagers").forEach(tm -> ids.add(tm.get("id").asText()));
        return ids;
    }

    private static JsonNode get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return LocalClusterTest.JSON.readTree(r.body());
    }

    /** The job RUNNING and every one of its vertices RUNNING. */
    private static boolean allRunning(JsonNode job) {
        boolean all = "RUNNING".equals(job.path("state").asText()) && job.has("vertices") && job.get("vertices").size() > 0;
        if (all) {
            for (JsonNode v : job.get("vertices")) {
                all &= "RUNNING".equals(v.get("status").asText());
            }
        }
        return all;
    }

    /** The job's REST description once it and every one of its tasks is RUNNING. */
    private static JsonNode awaitRunning(String rest, String jobId, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            job = get(http, rest + "/jobs/" + jobId);
            if (allRunning(job)) {
                return job;
            }
            Launched.sleep(500);
        }
        throw new AssertionError("job " + jobId + " not running after " + timeout.toSeconds() + " s: " + job);
    }
}
