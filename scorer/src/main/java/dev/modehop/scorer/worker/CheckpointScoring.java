package dev.modehop.scorer.worker;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.modehop.scorer.checkpoint.CheckpointException;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.LoadedCheckpoint;
import dev.modehop.scorer.model.ModelConfig;
import dev.modehop.scorer.model.ModelDevices;
import dev.modehop.scorer.predictors.GeneralizationPredictors;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.scorer.scoring.HuggingFaceTextTokenizer;
import dev.modehop.scorer.scoring.ProgressListener;
import dev.modehop.scorer.scoring.ScoringOptions;
import dev.modehop.scorer.scoring.SuiteScore;
import dev.modehop.scorer.scoring.TeacherForcedScorer;
import dev.modehop.scorer.generation.GenerativeScorer;
import dev.modehop.scorer.generation.Sampler;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One checkpoint folder in, one {@link SuiteScore} (and, unless turned off, its
 * {@link GeneralizationPredictors}) out: load (model + tokenizer), score, measure, release. The engine-free
 * core of the worker and of {@link ScoreCommand}. Suites are loaded once and cached.
 */
public final class CheckpointScoring {
    private final ScorerSettings settings;
    private final Device device;
    private final Map<String, ProbeSuite> suites = new ConcurrentHashMap<>();

    public CheckpointScoring(ScorerSettings settings) {
        this.settings = settings;
        this.device = ModelDevices.device(settings.device());
    }

    /**
     * What a scored checkpoint looked like.
     *
     * @param predictors the generalization predictors; null when they are off or could not be measured at all
     * @param predictorsError why the predictors (or their activation part) failed, or null
     * @param generative the match rates of the suite's generative tasks, and the tasks that failed
     */
    public record Result(SuiteScore score, ModelConfig config, long parameters, String device, double loadSeconds,
                         GeneralizationPredictors predictors, String predictorsError, GenerativeScorer.Result generative) {
        public Result(SuiteScore score, ModelConfig config, long parameters, String device, double loadSeconds,
                      GeneralizationPredictors predictors, String predictorsError) {
            this(score, config, parameters, device, loadSeconds, predictors, predictorsError, GenerativeScorer.Result.empty());
        }
    }

    /** The named suite (or folder), or the default suite when {@code nameOrNull} is null or blank. */
    public ProbeSuite suite(String nameOrNull) {
        String name = nameOrNull == null || nameOrNull.isBlank() ? settings.defaultSuite() : nameOrNull;
        return suites.computeIfAbsent(name, ProbeSuite::load);
    }

    public Device device() {
        return device;
    }

    /**
     * The averaging test: scores the element-wise weight average of {@code folders} (one architecture),
     * built in a temporary folder that is deleted afterwards.
     *
     * @throws CheckpointException when a folder cannot be read or the architectures differ
     */
    public Result scoreAverage(java.util.List<Path> folders, ProbeSuite suite, ProgressListener listener) {
        Path tmp;
        try {
            tmp = java.nio.file.Files.createTempDirectory("modehop-average-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try {
            return score(CheckpointAverager.average(folders, tmp), suite, listener);
        } finally {
            try (var files = java.nio.file.Files.walk(tmp)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException ignored) {
                // a leftover temp folder is not worth failing the score for
            }
        }
    }

    /**
     * @throws CheckpointException when the folder cannot be loaded (names the file)
     */
    public Result score(Path folder, ProbeSuite suite, ProgressListener listener) {
        return score(folder, suite, listener, null);
    }

    /**
     * The same, with every sampled completion of the suite's generative rows handed to {@code samples} (null: none).
     *
     * @throws CheckpointException when the folder cannot be loaded (names the file)
     */
    public Result score(Path folder, ProbeSuite suite, ProgressListener listener,
                        Consumer<GenerativeScorer.Sample> samples) {
        long t0 = System.nanoTime();
        try (LoadedCheckpoint checkpoint = CheckpointLoader.load(folder, device, ModelDevices.dtype(settings.dtype()));
             NDManager manager = NDManager.newBaseManager(checkpoint.decoder().device())) {
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            ModelConfig config = checkpoint.config();
            ScoringOptions options = settings.scoring();
            if (options.maxSequenceLength() == 0 && config.maxPositions() > 0) {
                options = options.toBuilder().maxSequenceLength(config.maxPositions()).build();
            }
            HuggingFaceTextTokenizer tokenizer = new HuggingFaceTextTokenizer(checkpoint.tokenizer());
            TeacherForcedScorer scorer = new TeacherForcedScorer(checkpoint.model(), tokenizer, manager, options);
            SuiteScore score = suite.items().isEmpty()
                    ? new SuiteScore(suite.name(), suite.version(), List.of(), List.of(), 0, 0, 0, List.of())
                    : scorer.score(suite, listener);
            // after the choice families, so a generative task that cannot be sampled costs them nothing
            GenerativeScorer.Result generative = suite.generativeItems().isEmpty() ? GenerativeScorer.Result.empty()
                    : new GenerativeScorer(Sampler.of(checkpoint), settings.generation()).score(suite, samples);
            GeneralizationPredictors predictors = null;
            String predictorsError = null;
            if (settings.predictors().enabled()) {
                // after scoring, and never fatal: a failure here must not cost the checkpoint its scores
                try {
                    predictors = GeneralizationPredictors.measure(folder, checkpoint.decoder(), tokenizer, manager,
                            suite, settings.predictors(), options);
                    predictorsError = predictors.activationError();
                } catch (RuntimeException e) {
                    predictorsError = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
            }
            return new Result(score, config, checkpoint.decoder().weights().parameterCount(),
                    checkpoint.decoder().device() + " " + checkpoint.decoder().dtype(), loadSeconds, predictors,
                    predictorsError, generative);
        }
    }
}
