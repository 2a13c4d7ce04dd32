package dev.modehop.launcher;

import dev.modehop.core.AveragingOutcome;
import dev.modehop.core.Ids;
import dev.modehop.events.AveragingRequest;
import dev.modehop.events.AveragingStatus;
import dev.modehop.events.HopAveraging;
import dev.modehop.events.OneStepStatus;
import dev.modehop.producers.sdk.EventPublisher;
import dev.modehop.producers.sdk.UndeliveredRecordsException;
import dev.modehop.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Runs the paper's tests of a hop on the scorer workers.",
        subcommands = {TestCommand.Averaging.class})
final class TestCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "averaging", mixinStandardHelpOptions = true,
            description = {"Asks the scorers (modehop.hop.averaging.requested) to average the checkpoints centred on "
                    + "the hop at --step, score the average against the hop's two sides, and take one optimizer step "
                    + "from the hop's checkpoint where it ships its AdamW state; waits for the result on "
                    + "modehop.hop.averaging and prints it.",
                    "Exit 2 when the scorers refuse (folders gone, step never announced) or no answer comes within --timeout."})
    static final class Averaging implements Callable<Integer> {
        @Mixin
        Connection connection;
        @Option(names = "--run", required = true, description = "run id") String run;
        @Option(names = "--step", required = true, description = "the hop's step: the first checkpoint of the new mode")
        long step;
        @Option(names = "--checkpoints", defaultValue = "0",
                description = "checkpoints to average, centred on the hop (default: the scorers', 5)") int checkpoints;
        @Option(names = "--lr", description = "learning rate of the one-step test (default: the scorers', 1e-2)")
        Double learningRate;
        @Option(names = "--timeout", defaultValue = "PT15M",
                description = "how long to wait for the answer, ISO-8601 (default: ${DEFAULT-VALUE})") Duration timeout;

        @Override
        public Integer call() {
            if (step < 0) {
                throw new UserInputException("--step must be >= 0, got " + step);
            }
            if (checkpoints != 0 && (checkpoints < 2 || checkpoints > AveragingOutcome.MAX_CHECKPOINTS)) {
                throw new UserInputException("--checkpoints must be 2 to " + AveragingOutcome.MAX_CHECKPOINTS + ", got "
                        + checkpoints);
            }
            if (learningRate != null && !(learningRate > 0 && Double.isFinite(learningRate))) {
                throw new UserInputException("--lr must be > 0, got " + learningRate);
            }
            Topics topics = connection.topics();
            connection.requireBroker(List.of(topics.averagingRequested, topics.hopAveraging));
            long now = System.currentTimeMillis();
            AveragingRequest request = AveragingRequest.newBuilder()
                    .setId(Ids.averagingRequest(run, step, checkpoints, now)).setRunId(run).setHopStep(step)
                    .setCheckpoints(checkpoints).setLearningRate(learningRate).setRequestedBy("cli")
                    .setRequestedAt(now).build();
            Map<String, Object> c = new HashMap<>();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrap);
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            try (KafkaConsumer<String, HopAveraging> answers = new KafkaConsumer<>(c, new StringDeserializer(),
                    topics.hopAveraging.valueSerde().deserializer())) {
                // positions fixed before the request goes out, so the answer cannot slip past
                List<TopicPartition> parts = answers.partitionsFor(topics.hopAveraging.name()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                answers.assign(parts);
                answers.seekToEnd(parts);
                parts.forEach(answers::position);
                try (EventPublisher p = new EventPublisher(connection.bootstrap, Map.of())) {
                    p.sendAndWait(topics.averagingRequested, run, request);
                } catch (UndeliveredRecordsException e) {
                    return NotDelivered.report("test averaging", e, System.err);
                }
                System.out.println("asked the scorers for the averaging test of run " + run + ", hop at step " + step
                        + "; waiting up to " + timeout.toSeconds() + " s");
                long deadline = System.nanoTime() + timeout.toNanos();
                while (System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, HopAveraging> r : answers.poll(Duration.ofMillis(500))) {
                        HopAveraging a = r.value();
                        if (a == null || !a.getRequestId().equals(request.getId())) {
                            continue;
                        }
                        if (a.getStatus() == AveragingStatus.REFUSED) {
                            System.err.println("modehop: error: the scorers refused the averaging test of run " + run
                                    + " at step " + step + ": " + a.getReason());
                            return 2;
                        }
                        System.out.print(table(a));
                        return 0;
                    }
                }
            }
            System.err.println("modehop: error: no averaging result for run " + run + " step " + step + " within "
                    + timeout.toSeconds() + " s (is a scorer running with averaging on? 'modehop scorer', 'modehop up')");
            return 2;
        }
    }

    /** An averaging result as the CLI and the demo's report print it. */
    static String table(HopAveraging a) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "averaging test of run %s, hop at step %d: average of steps %s (old side %d, suite %s)%n",
                a.getRunId(), a.getHopStep(), a.getSteps(), a.getOldStep(), a.getSuite()));
        sb.append(String.format(Locale.ROOT, "  %-14s %6s %7s %7s %8s  %-36s %s%n", "family", "items", "old", "new", "average",
                "modes (old -> new; average)", "outcome"));
        a.getFamilies().forEach(f -> sb.append(String.format(Locale.ROOT, "  %-14s %6d %7.3f %7.3f %8.3f  %-36s %s%n",
                f.getFamily(), f.getItems(), f.getOldAccuracy(), f.getNewAccuracy(), f.getAverageAccuracy(),
                f.getOldMode() + " -> " + f.getNewMode() + "; " + f.getAverageMode(), f.getOutcome())));
        var s = a.getOneStep();
        if (s == null) {
            return sb.toString();
        }
        if (s.getStatus() != OneStepStatus.DONE) {
            sb.append("  one-step test: ").append(s.getStatus()).append(": ").append(s.getReason()).append('\n');
            return sb.toString();
        }
        sb.append(String.format(Locale.ROOT, "  one AdamW step from step %d at lr %.0e (batch loss %.3f): mean |dP| per answer%n",
                s.getStep(), s.getLearningRate(), s.getLoss() == null ? Double.NaN : s.getLoss()));
        sb.append(String.format(Locale.ROOT, "  %-14s %9s %9s %16s%n", "family", "one step", "the hop", "hard before/after"));
        s.getFamilies().forEach(f -> sb.append(String.format(Locale.ROOT, "  %-14s %9.4f %9.4f %8.3f/%.3f%n",
                f.getFamily(), f.getProbabilityChange(), f.getHopProbabilityChange(), f.getHardAccuracyBefore(),
                f.getHardAccuracyAfter())));
        return sb.toString();
    }
}
