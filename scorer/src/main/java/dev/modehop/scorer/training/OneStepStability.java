package dev.modehop.scorer.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.DecoderModel;
import dev.modehop.scorer.model.LoadedCheckpoint;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.scorer.scoring.HuggingFaceTextTokenizer;
import dev.modehop.scorer.scoring.ProgressListener;
import dev.modehop.scorer.scoring.ScoringOptions;
import dev.modehop.scorer.scoring.SuiteScore;
import dev.modehop.scorer.scoring.TeacherForcedScorer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The paper's local stability test: from a checkpoint, with its AdamW state restored ({@link OptimizerState}),
 * take the one optimizer step training would take next, on the batch of the run's data saved beside it, and
 * score the suite before and after. Float32 throughout: the step is small, half precision would drown it.
 * Gradients come from the same forward the scorer scores with (the toy run trains through it too).
 */
public final class OneStepStability {
    /** The same suite scored on the checkpoint and on the checkpoint one step later. */
    public record Result(SuiteScore before, SuiteScore after, double loss, double gradientNorm, double learningRate,
                         long optimizerSteps) {
    }

    private OneStepStability() {
    }

    /**
     * @throws dev.modehop.scorer.checkpoint.CheckpointException when the checkpoint or its optimizer state cannot
     *                                                           be read, or their tensors do not match (names the file)
     */
    public static Result run(Path folder, ProbeSuite suite, double learningRate, Device device, ScoringOptions options) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        }
        try (OptimizerState state = OptimizerState.open(folder);
             LoadedCheckpoint checkpoint = CheckpointLoader.load(folder, device, DataType.FLOAT32);
             NDManager manager = NDManager.newBaseManager(checkpoint.decoder().device())) {
            ScoringOptions o = options.maxSequenceLength() == 0 && checkpoint.config().maxPositions() > 0
                    ? options.toBuilder().maxSequenceLength(checkpoint.config().maxPositions()).build() : options;
            TeacherForcedScorer scorer = new TeacherForcedScorer(checkpoint.model(),
                    new HuggingFaceTextTokenizer(checkpoint.tokenizer()), manager, o);
            JniUtils.setGradMode(false);
            SuiteScore before = scorer.score(suite, ProgressListener.NONE);
            DecoderModel model = checkpoint.decoder();
            Map<String, NDArray> tensors = model.weights().tensors();
            List<String> names = new ArrayList<>(tensors.keySet());
            List<NDArray> params = new ArrayList<>();
            for (String n : names) {
                NDArray p = tensors.get(n);
                p.setRequiresGradient(true);
                params.add(p);
            }
            double loss;
            double gradientNorm;
            try (AdamW optimizer = new AdamW(params, manager, state.settings(), state.steps(), state.moments(names))) {
                loss = backward(model, state.batch(), manager);
                gradientNorm = optimizer.step(learningRate);
            }
            JniUtils.setGradMode(false);
            SuiteScore after = scorer.score(suite, ProgressListener.NONE);
            return new Result(before, after, loss, gradientNorm, learningRate, state.steps());
        }
    }

    /** Mean cross-entropy over the batch's labelled positions, back-propagated into the weights' gradients. */
    private static double backward(DecoderModel model, OptimizerState.Batch batch, NDManager parent) {
        int vocab = model.vocabSize();
        long[] targets = new long[batch.labels().length];
        float[] mask = new float[targets.length];
        int counted = 0;
        for (int i = 0; i < targets.length; i++) {
            long label = batch.labels()[i];
            if (label != OptimizerState.IGNORE) {
                if (label < 0 || label >= vocab) {
                    throw new IllegalArgumentException("batch label " + label + " is outside the vocabulary of " + vocab);
                }
                targets[i] = label;
                mask[i] = 1f;
                counted++;
            }
        }
        if (counted == 0) {
            throw new IllegalArgumentException("the saved batch has no labelled position");
        }
        try (NDManager scope = parent.newSubManager()) {
            Shape shape = new Shape(batch.rows(), batch.length());
            NDArray ids = scope.create(batch.inputIds(), shape);
            NDArray labels = scope.create(targets, shape);
            NDArray weights = scope.create(mask, shape);
            // torch's grad mode is per thread, but DJL's GradientCollector is one per process: a training loop in
            // the same JVM (the demo's toy run) holds it during its every step, so record on this thread only
            JniUtils.setGradMode(true);
            try {
                NDArray logits = model.forward(ids);
                NDArray picked = logits.logSoftmax(-1).mul(labels.oneHot(vocab)).sum(new int[] {-1}).mul(weights);
                // not div(Number): DJL frees that scalar at once, yet backward reads it
                NDArray lossArray = picked.sum().neg().div(scope.create((float) counted));
                JniUtils.backward((PtNDArray) lossArray, (PtNDArray) scope.ones(lossArray.getShape(),
                        lossArray.getDataType()).toDevice(lossArray.getDevice(), false), false, false);
                return lossArray.getFloat();
            } finally {
                JniUtils.setGradMode(false);
            }
        }
    }
}
