package dev.modehop.toyrun;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (decoupled weight decay, PyTorch's formula) with global-norm gradient clipping, written in NDArray
 * ops so the update runs where the weights live.
 *
 * <p>Manager discipline: each step works in a throw-away sub-manager to which the weights, moments and
 * gradients are temporarily attached, so every intermediate dies with it and the weights and moments go
 * back to their own managers afterwards (DJL puts an op's result in its first operand's manager).
 */
final class AdamW implements AutoCloseable {
    private final List<NDArray> params;
    private final NDManager stateManager;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final double beta1;
    private final double beta2;
    private final double weightDecay;
    private final double clipNorm;
    private final double eps = 1e-8;
    private long t;

    AdamW(List<NDArray> params, NDManager parent, double beta1, double beta2, double weightDecay, double clipNorm) {
        this.params = params;
        this.stateManager = parent.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        for (NDArray p : params) {
            m.add(stateManager.zeros(p.getShape(), p.getDataType()));
            v.add(stateManager.zeros(p.getShape(), p.getDataType()));
        }
    }

    /** One update from the gradients the last backward pass left; zeroes them. Returns the pre-clip norm. */
    double step(double lr) {
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
            float clip = (float) (gradNorm > clipNorm ? clipNorm / (gradNorm + 1e-6) : 1.0);
            double bc1 = 1 - Math.pow(beta1, t);
            double bc2 = 1 - Math.pow(beta2, t);
            float stepSize = (float) (lr / bc1);
            float sqrtBc2 = (float) Math.sqrt(bc2);
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i);
                NDArray g = clip == 1f ? grads.get(i) : grads.get(i).mul(clip);
                p.muli((float) (1 - lr * weightDecay));
                m.get(i).muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                v.get(i).muli((float) beta2).addi(g.square().mul((float) (1 - beta2)));
                NDArray denom = v.get(i).sqrt().div(sqrtBc2).add((float) eps);
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
