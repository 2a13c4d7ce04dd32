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
 * {@code modehop up --data-dir} (broker, registry and Streams job in one process) is killed with SIGKILL
 * three times while runs stream in and started again on the same folder and ports. The publisher rides
 * through each outage (idempotent, acks=all, a delivery timeout longer than the restart); afterwards every
 * hop, verdict and alert the offline reference owes is on the output topics exactly once, and no valid input
 * was dead-lettered (which is what a registry that forgot its schemas used to cause).
 */
class UpRestartTest {
    static final int RESTARTS = 3;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
    void restartedThreeTimesOnItsDataDirLosesAndDuplicatesNothing() throws Exception {
        Path logs = Path.of("target", "fault-logs", "up-restart");
        UpHost ports = UpHost.onFreePorts();
        String bootstrap = ports.bootstrap();
        String registry = ports.registry();
        Path rules = Files.writeString(tmp.resolve("rules.txt"), Reference.RULES);
        String[] up = ports.up(tmp.resolve("data"), 3, "--rules", rules.toString());
        Pattern isUp = Pattern.compile("modehop is up");
        Launched stack = Launched.start("up", logs, "1g", true, Map.of(), up);
        List<Long> downMs = new ArrayList<>();
        try {
            stack.await(isUp, Duration.ofSeconds(120));
            Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, registry));
            // A training job that must not lose announcements gives the producer more than a restart's time.
            Map<String, Object> patient = Map.of("delivery.timeout.ms", 180_000, "max.block.ms", 120_000,
                    "reconnect.backoff.max.ms", 500);
            try (CommittedOutputs outputs = new CommittedOutputs(bootstrap, topics);
                 Workload workload = new Workload(bootstrap, topics, 3, 150, patient)) {
                long[] pauses = {5_000, 3_500, 6_000};
                for (int k = 0; k < RESTARTS; k++) {
                    long since = System.nanoTime();
                    while (outputs.firstArrivalAfter(since) < 0) {
                        Launched.sleep(50);
                    }
                    Launched.sleep(pauses[k]);
                    stack.kill();
                    long killed = System.nanoTime();
                    stack = Launched.start("up", logs, "1g", true, Map.of(), up);
                    stack.await(isUp, Duration.ofSeconds(120));
                    long resumed;
                    while ((resumed = outputs.firstArrivalAfter(killed)) < 0) {
                        Launched.sleep(20);
                    }
                    downMs.add((resumed - killed) / 1_000_000);
                }
                int runs = workload.finish(240_000);
                List<Ledger> ledgers = outputs.settle(workload.reference, Duration.ofSeconds(90));
                System.out.printf("modehop up killed and restarted %d times on its data dir over %d runs: %s; "
                        + "dead letters %d; kill to first new committed output (ms): %s%n",
                        RESTARTS, runs, ledgers, outputs.deadLetters(), downMs);
                for (Ledger l : ledgers) {
                    assertTrue(l.clean(), l.toString());
                }
                assertEquals(0, outputs.deadLetters(), "no valid input dead-lettered");
            }
        } finally {
            stack.close();
        }
    }
}
