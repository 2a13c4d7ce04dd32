package dev.modehop.launcher;

import dev.modehop.producers.sdk.TrainingRunClient;
import dev.modehop.producers.sdk.UndeliveredRecordsException;
import dev.modehop.producers.watch.CheckpointFolderWatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Watches a training job's output folder and announces each checkpoint (checkpoint-N/, "
                + "step-N/) on modehop.checkpoint.ready once it is complete: config.json and all weight "
                + "files present and unchanged for the settle period. Needs no change to the training job.")
final class WatchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "the folder the training job saves checkpoints into")
    Path dir;

    @Option(names = "--run", required = true, description = "run id")
    String run;

    @Option(names = "--interval-ms", defaultValue = "1000", description = "poll interval (default: ${DEFAULT-VALUE})")
    long intervalMs;

    @Option(names = "--settle-ms", defaultValue = "3000",
            description = "how long files must stay unchanged (default: ${DEFAULT-VALUE})")
    long settleMs;

    @Option(names = "--tokens-per-step", defaultValue = "0",
            description = "to report tokensSeen = step x this (default: unknown, 0)")
    long tokensPerStep;

    @Mixin
    Connection connection;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dir)) {
            throw new UserInputException(dir + ": no such folder");
        }
        CheckpointFolderWatcher watcher = new CheckpointFolderWatcher(dir, settleMs, System::currentTimeMillis);
        try (TrainingRunClient client = new TrainingRunClient(run, connection.topics(), connection.bootstrap, Map.of())) {
            System.out.printf("watch: %s for run '%s' (Ctrl-C to stop)%n", dir.toAbsolutePath(), run);
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    List<CheckpointFolderWatcher.FoundCheckpoint> found = watcher.poll();
                    for (int i = 0; i < found.size(); i++) {
                        CheckpointFolderWatcher.FoundCheckpoint c = found.get(i);
                        try {
                            client.checkpointReady(c.step(), c.step() * tokensPerStep, c.folder().toString(), null);
                        } catch (UndeliveredRecordsException e) {
                            // Stop rather than skip: a restarted watch announces the folder's checkpoints again.
                            return NotDelivered.report("watch", new UndeliveredRecordsException(found.size() - i,
                                    found.size(), e.getCause()), System.err);
                        }
                        System.out.printf("watch: announced step %d (%s, %.1f MB)%n", c.step(), c.folder(), c.bytes() / 1e6);
                    }
                } catch (IOException e) {
                    System.err.println("watch: " + e.getMessage());
                }
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    break;  // stopped by the embedding program: a clean stop, like Ctrl-C
                }
            }
        }
        return 0;
    }
}
