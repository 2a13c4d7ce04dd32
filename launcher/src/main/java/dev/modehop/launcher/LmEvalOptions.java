package dev.modehop.launcher;

import dev.modehop.launcher.history.History;
import dev.modehop.launcher.history.HistoryException;
import dev.modehop.launcher.history.HistoryReader;
import dev.modehop.launcher.history.LmEvalReader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How to read lm-eval-harness results: options shared by the commands that read a recorded history. */
final class LmEvalOptions {
    @Option(names = "--metric", paramLabel = "METRIC[,FILTER]", defaultValue = "acc",
            description = "lm-eval metric to read per task: acc, acc_norm, exact_match, ...; lm-eval 0.4's "
                    + "filter after a comma (exact_match,strict-match); without one, 'none' where present, else "
                    + "each filter as its own series (default: ${DEFAULT-VALUE})")
    String metric;

    @Option(names = "--groups", description = "keep lm-eval group aggregates (mmlu, mmlu_stem, ...) as their own "
            + "series; by default only their subtasks are read")
    boolean groups;

    /** Reads the history; a file the user gave that cannot be read is their error, exit code 2. */
    History read(Path input) {
        LmEvalReader.Options options;
        try {
            options = LmEvalReader.Options.parse(metric, groups);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        try {
            return HistoryReader.read(input, options);
        } catch (HistoryException e) {
            throw new UserInputException(e.getMessage());
        }
    }
}
