package dev.modehop.launcher;

import dev.modehop.scorer.worker.ScoreCommand;
import dev.modehop.scorer.worker.ScorerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Scores one HF-style checkpoint folder (config.json, model.safetensors, tokenizer.json) "
                + "on a probe suite offline, teacher-forced, and prints per-task hard accuracy, soft score "
                + "and stderr.")
final class ScoreCommandLine implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "the checkpoint folder")
    Path checkpoint;

    @Option(names = "--suite", defaultValue = "starter-en",
            description = "suite name (toy, starter-en), a suite folder, or gdsuite:DATA_DIR[?config=FILE] "
                    + "(a GDsuite data tree, GDsuite's prompts) (default: ${DEFAULT-VALUE})")
    String suite;

    @Option(names = "--families", split = ",", description = "only these families")
    List<String> families;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda (default: ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() {
        if (!Files.isDirectory(checkpoint)) {
            throw new UserInputException(checkpoint + ": no such checkpoint folder");
        }
        int rc = ScoreCommand.run(checkpoint, suite, families == null ? java.util.Set.of() : new LinkedHashSet<>(families),
                ScorerSettings.defaults().withDevice(device), System.out, System.err);
        return rc == ScoreCommand.OK ? 0 : 2;
    }
}
