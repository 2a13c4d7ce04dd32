package dev.modehop.scorer.worker;

import dev.modehop.core.AveragingOutcome;
import dev.modehop.core.ModeClassifier;
import dev.modehop.core.MonitorConfig;
import dev.modehop.scorer.checkpoint.CheckpointException;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.predictors.PredictorSettings;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.scorer.scoring.ItemScore;
import dev.modehop.scorer.scoring.ProgressListener;
import dev.modehop.scorer.scoring.SuiteScore;
import dev.modehop.scorer.scoring.TaskScore;
import dev.modehop.scorer.training.OneStepStability;
import dev.modehop.scorer.training.OptimizerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two tests the paper runs on a hop, engine-free (the worker's {@link AveragingWorker} and tests call it):
 * <ul>
 *   <li>averaging: the element-wise weight average of the window of checkpoints around the hop
 *       ({@link CheckpointAverager}), scored on the suite, read per family against the hop's two sides (the
 *       last checkpoint before the hop and the hop's own, scored here too, so all three share one scorer and
 *       suite) with core's {@link AveragingOutcome};</li>
 *   <li>one step: where the hop's checkpoint ships its AdamW state, how far one more optimizer step moves the
 *       probe probabilities, next to how far the hop itself moved them ({@link OneStepStability}).</li>
 * </ul>
 * Predictors are not measured: these scores are not a checkpoint's record.
 */
public final class AveragingEvaluation {
    /** The scorers' one-step learning rate when a request names none: the top of the paper's range. */
    public static final double DEFAULT_LEARNING_RATE = 1e-2;

    /** One checkpoint of the window. */
    public record Checkpoint(long step, Path folder) {
    }

    /** The test cannot run (folders gone, no checkpoint before the hop): the result says why. */
    public static final class Refused extends RuntimeException {
        public Refused(String reason) {
            super(reason);
        }
    }

    public enum OneStepStatus { DONE, NO_OPTIMIZER_STATE, FAILED }

    /**
     * How one family's probe probabilities moved: {@code probabilityChange} after one step,
     * {@code hopProbabilityChange} across the hop; both the mean over rows of |ΔP(generalizing)| and
     * |ΔP(parrot)|.
     */
    public record SteppedFamily(String family, double probabilityChange, double hopProbabilityChange,
                                double hardAccuracyBefore, double hardAccuracyAfter, double softScoreBefore,
                                double softScoreAfter) {
    }

    /** The one-step test's outcome; {@code reason} says why it did not run (or failed), families then empty. */
    public record OneStep(OneStepStatus status, String reason, long step, double learningRate, Double loss,
                          List<SteppedFamily> families) {
    }

    public record Result(String suite, List<Long> steps, long oldStep, List<AveragingOutcome.Family> families,
                         Map<String, Double> averageSoftScores, OneStep oneStep) {
    }

    private final CheckpointScoring scoring;
    private final ScorerSettings settings;
    private final ModeClassifier classifier = new ModeClassifier(MonitorConfig.defaults());

    public AveragingEvaluation(ScorerSettings settings) {
        this.settings = settings.toBuilder().predictors(PredictorSettings.off()).build();
        this.scoring = new CheckpointScoring(this.settings);
    }

    public ProbeSuite suite(String nameOrNull) {
        return scoring.suite(nameOrNull);
    }

    /**
     * @param window       the checkpoints to average, ascending, the hop among them
     * @param learningRate of the one-step test
     * @throws Refused     when a folder is gone or the hop has no checkpoint before it in the window
     */
    public Result run(List<Checkpoint> window, long hopStep, ProbeSuite suite, double learningRate) {
        int hop = -1;
        for (int i = 0; i < window.size(); i++) {
            if (window.get(i).step() == hopStep) {
                hop = i;
            }
        }
        if (hop < 0) {
            throw new Refused("step " + hopStep + " is not in the window " + steps(window));
        }
        if (hop == 0) {
            throw new Refused("no checkpoint before the hop at step " + hopStep + ": its old side is unknown");
        }
        List<String> gone = new ArrayList<>();
        for (Checkpoint c : window) {
            if (!Files.isRegularFile(c.folder().resolve(CheckpointLoader.CONFIG_FILE))) {
                gone.add("step " + c.step() + " (" + c.folder() + ")");
            }
        }
        if (!gone.isEmpty()) {
            throw new Refused("checkpoint folder" + (gone.size() == 1 ? " is" : "s are") + " gone: "
                    + String.join(", ", gone));
        }
        Checkpoint oldSide = window.get(hop - 1);
        Checkpoint newSide = window.get(hop);
        SuiteScore old;
        SuiteScore neu;
        SuiteScore avg;
        try {
            old = scoring.score(oldSide.folder(), suite, ProgressListener.NONE).score();
            neu = scoring.score(newSide.folder(), suite, ProgressListener.NONE).score();
            avg = scoring.scoreAverage(window.stream().map(Checkpoint::folder).toList(), suite, ProgressListener.NONE)
                    .score();
        } catch (CheckpointException e) {
            throw new Refused(e.getMessage());
        }
        Map<String, Pooled> o = pool(old);
        Map<String, Pooled> n = pool(neu);
        Map<String, Pooled> a = pool(avg);
        List<AveragingOutcome.Family> families = new ArrayList<>();
        Map<String, Double> soft = new LinkedHashMap<>();
        for (String f : o.keySet()) {
            families.add(AveragingOutcome.Family.classify(classifier, f, o.get(f).hard, n.get(f).hard, a.get(f).hard,
                    o.get(f).items));
            soft.put(f, a.get(f).soft);
        }
        OneStep oneStep = oneStep(newSide, suite, learningRate, old, neu);
        return new Result(suite.name(), steps(window), oldSide.step(), families, soft, oneStep);
    }

    private OneStep oneStep(Checkpoint at, ProbeSuite suite, double lr, SuiteScore oldSide, SuiteScore newSide) {
        if (!OptimizerState.present(at.folder())) {
            return new OneStep(OneStepStatus.NO_OPTIMIZER_STATE, "the checkpoint at step " + at.step() + " has no "
                    + OptimizerState.FILE + " (AdamW state and a batch of its data): the step cannot be taken",
                    at.step(), lr, null, List.of());
        }
        OneStepStability.Result r;
        try {
            r = OneStepStability.run(at.folder(), suite, lr, scoring.device(), settings.scoring());
        } catch (RuntimeException e) {
            return new OneStep(OneStepStatus.FAILED, e.getMessage(), at.step(), lr, null, List.of());
        }
        Map<String, Double> step = probabilityChange(r.before(), r.after());
        Map<String, Double> hop = probabilityChange(oldSide, newSide);
        Map<String, Pooled> before = pool(r.before());
        Map<String, Pooled> after = pool(r.after());
        List<SteppedFamily> families = new ArrayList<>();
        for (String f : before.keySet()) {
            families.add(new SteppedFamily(f, step.get(f), hop.get(f), before.get(f).hard, after.get(f).hard,
                    before.get(f).soft, after.get(f).soft));
        }
        return new OneStep(OneStepStatus.DONE, null, at.step(), lr, r.loss(), families);
    }

    /** Per family, the mean over rows of the two answers' absolute probability changes from {@code a} to {@code b}. */
    static Map<String, Double> probabilityChange(SuiteScore a, SuiteScore b) {
        if (a.rows().size() != b.rows().size()) {
            throw new IllegalStateException("the two scores have different rows");
        }
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (int i = 0; i < a.rows().size(); i++) {
            ItemScore x = a.rows().get(i);
            ItemScore y = b.rows().get(i);
            if (!x.item().id().equals(y.item().id()) || x.item().seed() != y.item().seed()) {
                throw new IllegalStateException("the two scores list their rows in different orders");
            }
            double[] s = sums.computeIfAbsent(x.item().family(), k -> new double[2]);
            s[0] += (Math.abs(y.pGeneralizing() - x.pGeneralizing()) + Math.abs(y.pParrot() - x.pParrot())) / 2;
            s[1]++;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((f, s) -> out.put(f, s[0] / s[1]));
        return out;
    }

    private record Pooled(double hard, double soft, int items) {
    }

    /** A family's tasks pooled by their items, as the monitor pools them. */
    private static Map<String, Pooled> pool(SuiteScore score) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (TaskScore t : score.tasks()) {
            double[] s = sums.computeIfAbsent(t.family(), k -> new double[3]);
            s[0] += t.hardAccuracy() * t.items();
            s[1] += t.softScore() * t.items();
            s[2] += t.items();
        }
        Map<String, Pooled> out = new LinkedHashMap<>();
        sums.forEach((f, s) -> out.put(f, new Pooled(s[0] / s[2], s[1] / s[2], (int) s[2])));
        return out;
    }

    private static List<Long> steps(List<Checkpoint> window) {
        return window.stream().map(Checkpoint::step).toList();
    }
}
