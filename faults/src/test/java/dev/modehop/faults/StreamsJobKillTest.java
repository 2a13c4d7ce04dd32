package dev.modehop.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka Streams job ({@code modehop streams}, its own process, a static group member with its state on
 * a persistent folder like a StatefulSet pod) is killed with SIGKILL five times while runs stream in and
 * restarted at once; the broker and registry live in another process ({@code modehop up --engine none}).
 * Every hop, verdict and alert the offline reference owes must be on the output topics exactly once, and
 * no valid input in a dead-letter topic. Prints the takeover time of each kill: from the kill to the first
 * new committed output.
 *
 * <p>{@code -Dfaults.kills=N} changes the number of kills; {@code -Dfaults.groupInstanceId=none} runs the job
 * as a dynamic member instead, the baseline for the takeover time.
 */
class StreamsJobKillTest {
    static final int KILLS = Integer.getInteger("faults.kills", 5);
    static final String MEMBER = System.getProperty("faults.groupInstanceId", "streams-0");
    static final Pattern STARTED = Pattern.compile("(?m)^streams: job ");

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
    void killedFiveTimesMidStreamLosesAndDuplicatesNothing() throws Exception {
        Path logs = Path.of("target", "fault-logs", "streams-kill");
        UpHost ports = UpHost.onFreePorts();
        String bootstrap = ports.bootstrap();
        String registry = ports.registry();
        Path rules = Files.writeString(tmp.resolve("rules.txt"), Reference.RULES);
        Map<String, String> streamsEnv = Map.of(
                "MODEHOP_BOOTSTRAP_SERVERS", bootstrap,
                "MODEHOP_REGISTRY_URL", registry,
                "MODEHOP_GROUP_ID", "faults-streams",
                "MODEHOP_GROUP_INSTANCE_ID", MEMBER,
                "MODEHOP_HEALTH_PORT", "0",
                "MODEHOP_SERVICE_NAME", "streams",
                "MODEHOP_STREAMS_STATE_DIR", tmp.resolve("streams-state").toString());
        try (Launched host = Launched.start("broker-host", logs, "768m", true, Map.of(),
                ports.up(tmp.resolve("data"), 3, "--engine", "none"))) {
            host.await(Pattern.compile("modehop is up"), Duration.ofSeconds(90));
            Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, registry));
            List<Long> takeoverMs = new ArrayList<>();
            Launched job = Launched.start("streams-0", logs, "512m", true, streamsEnv, "streams", "--rules", rules.toString());
            try (CommittedOutputs outputs = new CommittedOutputs(bootstrap, topics);
                 Workload workload = new Workload(bootstrap, topics, 4, 150, Map.of())) {
                job.await(STARTED, Duration.ofSeconds(90));
                long[] pauses = {4_000, 6_500, 3_000, 7_500, 5_000};
                for (int k = 0; k < KILLS; k++) {
                    // Mid-stream: only once the job has written something since it (re)started.
                    long since = System.nanoTime();
                    while (outputs.firstArrivalAfter(since) < 0) {
                        Launched.sleep(50);
                    }
                    Launched.sleep(pauses[k % pauses.length]);
                    job.kill();
                    long killed = System.nanoTime();
                    job = Launched.start("streams-0", logs, "512m", true, streamsEnv, "streams", "--rules", rules.toString());
                    job.await(STARTED, Duration.ofSeconds(90));
                    long resumed;
                    while ((resumed = outputs.firstArrivalAfter(killed)) < 0) {
                        Launched.sleep(20);
                    }
                    takeoverMs.add((resumed - killed) / 1_000_000);
                }
                int runs = workload.finish(180_000);
                List<Ledger> ledgers = outputs.settle(workload.reference, Duration.ofSeconds(90));
                System.out.printf("streams job (member %s) killed %d times mid-stream over %d runs: %s; dead letters %d; "
                        + "takeover after kill -9 (ms, kill to first new committed output): %s%n",
                        MEMBER, KILLS, runs, ledgers, outputs.deadLetters(), takeoverMs);
                for (Ledger l : ledgers) {
                    assertTrue(l.clean(), l.toString());
                }
                assertEquals(0, outputs.deadLetters(), "no valid input dead-lettered");
            } finally {
                job.close();
            }
        }
    }
}
