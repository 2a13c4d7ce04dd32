package dev.modehop.launcher;

import dev.modehop.events.CheckpointReady;
import dev.modehop.events.DataWindow;
import dev.modehop.events.RunFinished;
import dev.modehop.schemas.Topic;
import dev.modehop.producers.sdk.EventPublisher;
import dev.modehop.producers.sdk.UndeliveredRecordsException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publishes one event from the command line (for training scripts in any language).",
        subcommands = {PublishCommand.Checkpoint.class, PublishCommand.Window.class, PublishCommand.Finished.class})
final class PublishCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "checkpoint", mixinStandardHelpOptions = true,
            description = "Announces a saved checkpoint on modehop.checkpoint.ready.")
    static final class Checkpoint implements Callable<Integer> {
        @Mixin
        Connection connection;
        @Option(names = "--run", required = true, description = "run id") String run;
        @Option(names = "--step", required = true, description = "optimizer steps taken") long step;
        @Option(names = "--uri", required = true, description = "checkpoint folder (path or URL)") String uri;
        @Option(names = "--tokens", defaultValue = "0", description = "tokens seen") long tokens;
        @Option(names = "--loss", description = "training loss at the checkpoint") Double loss;
        @Option(names = "--suite", description = "probe suite to score (default: the scorer's)") String suite;

        @Override
        public Integer call() {
            if (step < 0) {
                throw new UserInputException("--step must be >= 0, got " + step);
            }
            var topics = connection.topics();
            return publish("publish checkpoint", connection, topics.checkpointReady, run, CheckpointReady.newBuilder()
                    .setRunId(run).setStep(step).setTokensSeen(tokens).setUri(uri).setTrainLoss(loss).setSuite(suite)
                    .setProducedAt(System.currentTimeMillis()).build(), "checkpoint " + run + " step " + step);
        }
    }

    @Command(name = "finished", mixinStandardHelpOptions = true,
            description = "Says a run is done (no more checkpoints) on modehop.run.finished; dashboards show it FINISHED.")
    static final class Finished implements Callable<Integer> {
        @Mixin
        Connection connection;
        @Option(names = "--run", required = true, description = "run id") String run;
        @Option(names = "--step", required = true, description = "the last optimizer step taken") long step;
        @Option(names = "--reason", defaultValue = "completed", description = "free text (default: ${DEFAULT-VALUE})")
        String reason;

        @Override
        public Integer call() {
            if (step < 0) {
                throw new UserInputException("--step must be >= 0, got " + step);
            }
            var topics = connection.topics();
            return publish("publish finished", connection, topics.runFinished, run, RunFinished.newBuilder()
                    .setRunId(run).setStep(step).setReason(reason).setProducedAt(System.currentTimeMillis()).build(),
                    "run " + run + " finished at step " + step);
        }
    }

    @Command(name = "window", mixinStandardHelpOptions = true,
            description = "Announces a data window [start, end) and its mixture on modehop.datawindow.closed.")
    static final class Window implements Callable<Integer> {
        @Mixin
        Connection connection;
        @Option(names = "--run", required = true, description = "run id") String run;
        @Option(names = "--id", required = true, description = "window id (announcing it again replaces it)") String id;
        @Option(names = "--start", required = true, description = "first step") long start;
        @Option(names = "--end", required = true, description = "end step, exclusive") long end;
        @Option(names = "--tokens", defaultValue = "0", description = "tokens in the window") long tokens;
        @Option(names = "--mixture", required = true, split = ",", paramLabel = "SOURCE=WEIGHT",
                description = "mixture, e.g. web=0.7,code=0.3") Map<String, String> mixture;

        @Override
        public Integer call() {
            if (start < 0 || end <= start) {
                throw new UserInputException("need 0 <= --start < --end, got [" + start + ", " + end + ")");
            }
            Map<String, Double> weights = new LinkedHashMap<>();
            mixture.forEach((k, v) -> {
                try {
                    double w = Double.parseDouble(v);
                    if (!(w >= 0) || Double.isInfinite(w)) {
                        throw new NumberFormatException();
                    }
                    weights.put(k, w);
                } catch (NumberFormatException e) {
                    throw new UserInputException("weight of '" + k + "' must be a number >= 0, got '" + v + "'");
                }
            });
            var topics = connection.topics();
            return publish("publish window", connection, topics.dataWindowClosed, run, DataWindow.newBuilder()
                    .setRunId(run).setWindowId(id).setStartStep(start).setEndStep(end).setTokens(tokens)
                    .setMixture(weights).setProducedAt(System.currentTimeMillis()).build(),
                    "window " + id + " [" + start + ", " + end + ")");
        }
    }

    /**
     * Sends one record and waits for the broker's acknowledgement: prints where it went and returns 0, or
     * reports it as not written and returns 2 (never 0 for a record the broker did not take).
     */
    private static <V> int publish(String command, Connection connection, Topic<V> topic, String key, V value,
                                   String what) {
        try (EventPublisher p = new EventPublisher(connection.bootstrap, Map.of())) {
            var md = p.sendAndWait(topic, key, value);
            System.out.printf("published %s to %s-%d@%d%n", what, md.topic(), md.partition(), md.offset());
            return 0;
        } catch (UndeliveredRecordsException e) {
            return NotDelivered.report(command, e, System.err);
        }
    }
}
