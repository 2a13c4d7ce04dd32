package dev.modehop.launcher;

import dev.modehop.scorer.generation.GenerationOptions;
import dev.modehop.scorer.predictors.PredictorSettings;
import dev.modehop.scorer.scoring.ScoringOptions;
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
        description = "Scores one HF checkpoint folder (config.json, model.safetensors or its shards, "
                + "tokenizer.json; tokenizer_config.json and generation_config.json when present) of a GPT-NeoX, "
                + "LLaMA, Mistral, Qwen2/3, Gemma, OLMo 1/2/3 or Apertus model on a probe suite offline, "
                + "teacher-forced, and prints the model it runs, then per-task hard accuracy, soft score and stderr; "
                + "generative tasks (persona QA) are sampled and print their match rate.")
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

    @Option(names = "--dtype", defaultValue = "float32",
            description = "compute dtype: float32 or float16 (default: ${DEFAULT-VALUE}; weights are widened or "
                    + "narrowed as they load)")
    String dtype;

    @Option(names = "--batch-size", paramLabel = "N",
            description = "most sequences per forward pass (default: 16; the token budget per batch still applies)")
    Integer batchSize;

    @Option(names = "--predictor-layer", paramLabel = "L",
            description = "the block whose output the RankMe and participation-ratio predictors measure (0-based; "
                    + "-1 after the final norm; default: the middle block)")
    Integer predictorLayer;

    @Option(names = "--no-predictors", description = "skip the generalization predictors below the table")
    boolean noPredictors;

    @Option(names = "--no-prefix-sharing",
            description = "run every sequence whole instead of each shared demo prefix once into a key/value cache "
                    + "(same scores within 1e-4, more forward tokens)")
    boolean noPrefixSharing;

    @Option(names = "--samples", paramLabel = "N",
            description = "completions per (question, seed) of generative tasks instead of the suite's own count "
                    + "(fewer: faster and noisier)")
    Integer samples;

    @Option(names = "--samples-out", paramLabel = "FILE",
            description = "write every sampled completion of generative tasks to FILE, one JSON object per line "
                    + "(family, task, questionId, seed, sample, completion, matched, finish, tokens)")
    Path samplesOut;

    @Option(names = "--gdsuite-bos",
            description = "for tokenizers that add a BOS, read GDsuite's answer span (boundary counted without "
                    + "special tokens, so it starts one token early) instead of exactly the answer's tokens")
    boolean gdsuiteBos;

    @Override
    public Integer call() {
        if (samples != null && samples <= 0) {
            throw new UserInputException("--samples must be at least 1, got " + samples);
        }
        if (!Files.isDirectory(checkpoint)) {
            throw new UserInputException(checkpoint + ": no such checkpoint folder");
        }
        if (batchSize != null && batchSize <= 0) {
            throw new UserInputException("--batch-size must be at least 1, got " + batchSize);
        }
        if (predictorLayer != null && predictorLayer < -1) {
            throw new UserInputException("--predictor-layer must be a block (0, 1, ...) or -1, got " + predictorLayer);
        }
        ScoringOptions.Builder scoring = ScoringOptions.builder().prefixSharing(!noPrefixSharing)
                .gdsuiteBos(gdsuiteBos);
        if (batchSize != null) {
            scoring.batchSize(batchSize);
        }
        GenerationOptions.Builder generation = GenerationOptions.builder();
        if (samples != null) {
            generation.samples(samples);
        }
        PredictorSettings predictors = noPredictors ? PredictorSettings.off()
                : PredictorSettings.builder().layer(predictorLayer).build();
        ScorerSettings settings = ScorerSettings.builder().device(device).dtype(dtype).scoring(scoring.build())
                .generation(generation.build()).predictors(predictors).build();
        int rc = ScoreCommand.run(checkpoint, suite, families == null ? java.util.Set.of() : new LinkedHashSet<>(families),
                settings, samplesOut, System.out, System.err);
        return rc == ScoreCommand.OK ? 0 : 2;
    }
}
