package dev.modehop.scorer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (decoupled weight decay, PyTorch's formula) with global-norm gradient clipping, written in NDArray
 * ops so the update runs where the weights live. The toy run trains with it; the one-step stability test
 * takes one more step with it from a checkpoint whose moments it restores ({@link OptimizerState}).
 *
 * <p>Manager discipline: each step works in a throw-away sub-manager to which the weights, moments and
 * gradients are temporarily attached, so every intermediate dies with it and the weights and moments go
 * back to their own managers afterwards (DJL puts an op's result in its first operand's manager).
 */
public final class AdamW implements AutoCloseable {
    /** The hyper-parameters that stay fixed over a run (the learning rate is per step). */
    public record Settings(double beta1, double beta2, double weightDecay, double clipNorm, double eps) {
        public Settings(double beta1, double beta2, double weightDecay, double clipNorm) {
            this(beta1, beta2, weightDecay, clipNorm, 1e-8);
        }
    }

    private final List<NDArray> params;
    private final NDManager stateManager;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final Settings settings;
    private long t;

    /** Where restored moments come from, by parameter index: read one tensor at a time. */
    public interface Moments {
        float[] first(int param);

        float[] second(int param);
    }

    /** Fresh moments (zeros), no step taken. */
    public AdamW(List<NDArray> params, NDManager parent, Settings settings) {
        this(params, parent, settings, 0, null);
    }

    /**
     * Restored moments of {@code params} after {@code steps} updates (the bias correction continues from there).
     */
    public AdamW(List<NDArray> params, NDManager parent, Settings settings, long steps, Moments moments) {
        this.params = params;
        this.stateManager = parent.newSubManager();
        this.settings = settings;
        this.t = steps;
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            if (moments == null) {
                m.add(stateManager.zeros(p.getShape(), p.getDataType()));
                v.add(stateManager.zeros(p.getShape(), p.getDataType()));
            } else {
                m.add(stateManager.create(moments.first(i), p.getShape()).toType(p.getDataType(), false));
                v.add(stateManager.create(moments.second(i), p.getShape()).toType(p.getDataType(), false));
            }
        }
    }

    public Settings settings() {
        return settings;
    }

    /** Updates taken so far (restored ones included). */
    public long steps() {
        return t;
    }

    /** The first moment of parameter {@code i} (shares storage with the optimizer: copy before the next step). */
    public NDArray firstMoment(int i) {
        return m.get(i);
    }

    public NDArray secondMoment(int i) {
        return v.get(i);
    }

    /** One update from the gradients the last backward pass left; zeroes them. Returns the pre-clip norm. */
    public double step(double lr) {
        t++;
        // torch's grad mode is per thread and on by default on new threads; the in-place update of leaf
        // weights is only legal with it off (a GradientCollector restores the mode it found on close)
        JniUtils.setGradMode(false);
        double gradNorm;
        try (NDManager scope = stateManager.newSubManager()) {
            List<NDArray> grads = new ArrayList<>(params.size());
            for (NDArray p : params) {
                NDArray g = p.getGradient();
                g.attach(scope);
                grads.add(g);
            }
            scope.tempAttachAll(params.toArray(new NDArray[0]));
            scope.tempAttachAll(m.toArray(new NDArray[0]));
            scope.tempAttachAll(v.toArray(new NDArray[0]));
            double sq = 0;
            for (NDArray g : grads) {
                sq += g.square().sum().getFloat();
            }
            gradNorm = Math.sqrt(sq);
            double clipNorm = settings.clipNorm();
            float clip = (float) (gradNorm > clipNorm ? clipNorm / (gradNorm + 1e-6) : 1.0);
            double beta1 = settings.beta1();
            double beta2 = settings.beta2();
            double bc1 = 1 - Math.pow(beta1, t);
            double bc2 = 1 - Math.pow(beta2, t);
            float stepSize = (float) (lr / bc1);
            float sqrtBc2 = (float) Math.sqrt(bc2);
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i);
                NDArray g = clip == 1f ? grads.get(i) : grads.get(i).mul(clip);
                p.muli((float) (1 - lr * settings.weightDecay()));
                m.get(i).muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                v.get(i).muli((float) beta2).addi(g.square().mul((float) (1 - beta2)));
                NDArray denom = v.get(i).sqrt().div(sqrtBc2).add((float) settings.eps());
                p.subi(m.get(i).div(denom).mul(stepSize));
                grads.get(i).muli(0f);
            }
        }
        return gradNorm;
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
