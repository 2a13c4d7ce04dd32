package dev.modehop.toyrun;

import dev.modehop.scorer.model.ModelConfig;
import dev.modehop.probes.toy.ToyVocabulary;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything that determines a toy run. Two runs with equal configs produce bit-identical weights.
 *
 * @param outputDir          where {@code checkpoint-<step>/} folders go
 * @param checkpointEvery    M: a checkpoint after every M optimizer steps
 * @param warmupSteps        linear learning-rate warm-up, then constant
 * @param vocabularySeed     seed of g(x); {@link ToyVocabulary#DEFAULT_SEED} matches the shipped toy suite
 */
public record ToyRunConfig(
        Path outputDir,
        long seed,
        List<PlannedWindow> schedule,
        int checkpointEvery,
        int batchSize,
        double learningRate,
        double beta1,
        double beta2,
        double weightDecay,
        int warmupSteps,
        double clipNorm,
        int hiddenSize,
        int layers,
        int heads,
        long vocabularySeed) {

    public ToyRunConfig {
        Objects.requireNonNull(outputDir, "outputDir");
        schedule = List.copyOf(schedule);
        if (schedule.isEmpty()) {
            throw new IllegalArgumentException("empty schedule");
        }
        if (checkpointEvery <= 0 || batchSize <= 0 || hiddenSize % heads != 0) {
            throw new IllegalArgumentException("bad sizes");
        }
    }

    /** TOYRUN.md's default schedule: 600 steps at 0.9, then 400 each at 0.1, 0.9, 0.1, 0.9, 0.1, 0.9. */
    public static List<PlannedWindow> defaultSchedule() {
        return List.of(new PlannedWindow(600, 0.9), new PlannedWindow(400, 0.1), new PlannedWindow(400, 0.9),
                new PlannedWindow(400, 0.1), new PlannedWindow(400, 0.9), new PlannedWindow(400, 0.1),
                new PlannedWindow(400, 0.9));
    }

    /** TOYRUN.md's model and optimizer with the default schedule and checkpoints every 50 steps. */
    public static ToyRunConfig defaults(Path outputDir, long seed) {
        return new ToyRunConfig(outputDir, seed, defaultSchedule(), 50, 64, 3e-3, 0.9, 0.98, 0.01, 100, 1.0,
                32, 2, 2, ToyVocabulary.DEFAULT_SEED);
    }

    public ToyRunConfig withSchedule(List<PlannedWindow> s) {
        return new ToyRunConfig(outputDir, seed, s, checkpointEvery, batchSize, learningRate, beta1, beta2,
                weightDecay, warmupSteps, clipNorm, hiddenSize, layers, heads, vocabularySeed);
    }

    public ToyRunConfig withCheckpointEvery(int m) {
        return new ToyRunConfig(outputDir, seed, schedule, m, batchSize, learningRate, beta1, beta2,
                weightDecay, warmupSteps, clipNorm, hiddenSize, layers, heads, vocabularySeed);
    }

    public ToyRunConfig withBatchSize(int b) {
        return new ToyRunConfig(outputDir, seed, schedule, checkpointEvery, b, learningRate, beta1, beta2,
                weightDecay, warmupSteps, clipNorm, hiddenSize, layers, heads, vocabularySeed);
    }

    /**
     * The same run up to {@code step}, then trained at {@code pIcl} to the end: as if resumed from its checkpoint
     * at {@code step} on another mixture (training is deterministic for a config, so the weights at {@code step}
     * are the ones the original run saved there). Used to try a data manifest's mixture on the toy run.
     */
    public ToyRunConfig resumedAt(int step, double pIcl) {
        int total = totalSteps();
        if (step <= 0 || step >= total) {
            throw new IllegalArgumentException("resume step " + step + " outside 1.." + (total - 1));
        }
        List<PlannedWindow> out = new java.util.ArrayList<>();
        int used = 0;
        for (PlannedWindow w : schedule) {
            int s = Math.min(w.steps(), step - used);
            if (s <= 0) {
                break;
            }
            out.add(new PlannedWindow(s, w.pIcl()));
            used += s;
        }
        out.add(new PlannedWindow(total - step, pIcl));
        return withSchedule(out);
    }

    /** Stretches or cuts the schedule to {@code steps} in total, keeping the windows' proportions. */
    public ToyRunConfig scaledTo(int steps) {
        int total = totalSteps();
        List<PlannedWindow> out = new java.util.ArrayList<>();
        int used = 0;
        for (int i = 0; i < schedule.size(); i++) {
            int s = i == schedule.size() - 1 ? steps - used
                    : (int) Math.round((double) schedule.get(i).steps() * steps / total);
            if (s > 0) {
                out.add(new PlannedWindow(s, schedule.get(i).pIcl()));
                used += s;
            }
        }
        return withSchedule(out);
    }

    public int totalSteps() {
        return schedule.stream().mapToInt(PlannedWindow::steps).sum();
    }

    /**
     * The model: GPT-NeoX format, 2 pre-LayerNorm blocks applied in sequence, d 32, 2 heads, MLP 4x GELU,
     * untied head, previous-token embedding and learned positions (no rotary), vocabulary of 73.
     */
    public ModelConfig modelConfig() {
        return ModelConfig.gptNeoX(ToyVocabulary.VOCAB_SIZE, hiddenSize, layers, heads, 4 * hiddenSize,
                        ToyTask.LENGTH + 2, 0.0)
                .withParallelResidual(false)
                .withPrevTokenEmbedding(true)
                .withLearnedPositions(true)
                .withBosTokenId(ToyVocabulary.BOS_ID);
    }
}
