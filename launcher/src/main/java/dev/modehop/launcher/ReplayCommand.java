package dev.modehop.launcher;

import dev.modehop.launcher.history.History;
import dev.modehop.producers.sdk.EventPublisher;
import dev.modehop.producers.sdk.UndeliveredRecordsException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Publishes a recorded history as live events: lm-eval-harness results (0.4's "
                + "<output_path>/<model>/results_*.json or older one-file-per-checkpoint folders; step from the "
                + "revision, the model path or the file name), a CSV in the 'detect' format (series,step,score[,n]), "
                + "or a folder of GDsuite output folders (<model>_<revision>/<family>/<task>.json, step from "
                + "'stepN', tokens from 'tokensNB').")
final class ReplayCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR|FILE", description = "the history")
    Path input;

    @Mixin
    LmEvalOptions lmEval;

    @Option(names = "--run", description = "run id to publish under (default: the file or folder name)")
    String run;

    @Option(names = "--delay-ms", defaultValue = "0", description = "pause between checkpoints (default: ${DEFAULT-VALUE})")
    long delayMs;

    @Mixin
    Connection connection;

    @Override
    public Integer call() {
        History history = lmEval.read(input);
        String runId = run != null ? run : input.getFileName().toString().replaceAll("\\.csv$", "");
        try (EventPublisher p = new EventPublisher(connection.bootstrap, Map.of())) {
            int n = HistoryReplay.publish(history, runId, connection.topics(), p, delayMs, System.out);
            System.out.printf("replayed %d checkpoints of %s as run '%s'%n", n, input, runId);
        } catch (UndeliveredRecordsException e) {
            return NotDelivered.report("replay", e, System.err);
        }
        return 0;
    }
}
