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
        return toBuilder().schedule(out).build();
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
        return toBuilder().schedule(out).build();
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
                .toBuilder().parallelResidual(false)
                .prevTokenEmbedding(true)
                .learnedPositions(true)
                .bosTokenId(ToyVocabulary.BOS_ID).build();
    }

    /** A builder starting from the defaults ({@link #defaults}). */
    public static Builder builder(Path outputDir, long seed) {
        return defaults(outputDir, seed).toBuilder();
    }

    /** A builder starting from this record's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The record's fields by name, from the values it was made from; {@link #build()} checks them. */
    public static final class Builder {
        private Path outputDir;
        private long seed;
        private List<PlannedWindow> schedule;
        private int checkpointEvery;
        private int batchSize;
        private double learningRate;
        private double beta1;
        private double beta2;
        private double weightDecay;
        private int warmupSteps;
        private double clipNorm;
        private int hiddenSize;
        private int layers;
        private int heads;
        private long vocabularySeed;

        private Builder(ToyRunConfig from) {
            outputDir = from.outputDir;
            seed = from.seed;
            schedule = from.schedule;
            checkpointEvery = from.checkpointEvery;
            batchSize = from.batchSize;
            learningRate = from.learningRate;
            beta1 = from.beta1;
            beta2 = from.beta2;
            weightDecay = from.weightDecay;
            warmupSteps = from.warmupSteps;
            clipNorm = from.clipNorm;
            hiddenSize = from.hiddenSize;
            layers = from.layers;
            heads = from.heads;
            vocabularySeed = from.vocabularySeed;
        }

        public Builder outputDir(Path outputDir) {
            this.outputDir = outputDir;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder schedule(List<PlannedWindow> schedule) {
            this.schedule = schedule;
            return this;
        }

        public Builder checkpointEvery(int checkpointEvery) {
            this.checkpointEvery = checkpointEvery;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder beta1(double beta1) {
            this.beta1 = beta1;
            return this;
        }

        public Builder beta2(double beta2) {
            this.beta2 = beta2;
            return this;
        }

        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder warmupSteps(int warmupSteps) {
            this.warmupSteps = warmupSteps;
            return this;
        }

        public Builder clipNorm(double clipNorm) {
            this.clipNorm = clipNorm;
            return this;
        }

        public Builder hiddenSize(int hiddenSize) {
            this.hiddenSize = hiddenSize;
            return this;
        }

        public Builder layers(int layers) {
            this.layers = layers;
            return this;
        }

        public Builder heads(int heads) {
            this.heads = heads;
            return this;
        }

        public Builder vocabularySeed(long vocabularySeed) {
            this.vocabularySeed = vocabularySeed;
            return this;
        }

        public ToyRunConfig build() {
            return new ToyRunConfig(outputDir, seed, schedule, checkpointEvery, batchSize, learningRate, beta1, beta2,
                    weightDecay, warmupSteps, clipNorm, hiddenSize, layers, heads, vocabularySeed);
        }
    }
}
