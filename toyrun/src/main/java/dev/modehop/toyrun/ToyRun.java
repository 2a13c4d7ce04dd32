package dev.modehop.toyrun;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.scorer.checkpoint.TensorDType;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.GptNeoXModel;
import dev.modehop.scorer.model.ModelConfig;
import dev.modehop.scorer.model.ModelWeights;
import dev.modehop.probes.toy.ToyVocabulary;
import dev.modehop.scorer.training.AdamW;
import dev.modehop.scorer.training.OptimizerState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The toy pre-training run: trains the TOYRUN.md model with DJL on CPU through the scorer's own
 * {@link GptNeoXModel} forward (one code path for training and scoring), in data windows of explicit
 * mixture, saving an HF-style checkpoint folder every M steps.
 *
 * <p>Use: {@code new ToyRun(config, listener).run()} on a thread of your own; from other threads,
 * {@link #adjustMixture}, {@link #pause}, {@link #resume} and {@link #stop} steer it. Deterministic for a
 * config: batches come from a seeded Java generator, initial weights from
 * {@link ModelWeights#random}, and the update is a fixed sequence of single-threaded NDArray ops.
 */
public final class ToyRun implements AutoCloseable {
    /** How a mixture change applies. */
    public enum MixtureScope {
        /** The current window closes now; its remaining planned steps run as a new window at the new share. */
        REST_OF_WINDOW,
        /** As REST_OF_WINDOW, and every later planned window takes the new share too. */
        ALL_FOLLOWING
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ToyRunConfig config;
    private final ToyRunListener listener;
    private final ModelConfig modelConfig;
    private final ToyTask task;
    private final ModelWeights weights;
    private final GptNeoXModel model;
    private final List<NDArray> params;
    private final AdamW optimizer;
    private final NDManager root;

    private final Object lock = new Object();
    private boolean paused;
    private boolean stopped;
    private Double pendingShare;
    private MixtureScope pendingScope;
    private volatile long step;
    private volatile double lastLoss = Double.NaN;

    public ToyRun(ToyRunConfig config, ToyRunListener listener) {
        this.config = config;
        this.listener = listener;
        this.modelConfig = config.modelConfig();
        this.task = new ToyTask(ToyVocabulary.withSeed(config.vocabularySeed()));
        this.root = NDManager.newBaseManager(Device.cpu());
        this.weights = ModelWeights.random(GptNeoXModel.shapes(modelConfig), config.seed(), 0.02, 0, 0,
                Device.cpu(), DataType.FLOAT32);
        this.model = new GptNeoXModel(modelConfig, weights);
        this.params = new ArrayList<>(weights.tensors().values());
        for (NDArray p : params) {
            p.setRequiresGradient(true);
        }
        this.optimizer = new AdamW(params, root, new AdamW.Settings(config.beta1(), config.beta2(),
                config.weightDecay(), config.clipNorm()));
    }

    /**
     * Trains {@code config}'s whole schedule with nobody listening, for checkpoints made ahead of time (tests,
     * benchmarks, a history to score later); returns the checkpoint folders by step.
     */
    public static java.util.TreeMap<Long, Path> train(ToyRunConfig config) {
        java.util.TreeMap<Long, Path> folders = new java.util.TreeMap<>();
        try (ToyRun run = new ToyRun(config, new ToyRunListener() {
            @Override
            public void onCheckpoint(long step, Path folder, double trainLoss) {
                folders.put(step, folder);
            }

            @Override
            public void onWindowClosed(DataWindow window) {
            }
        })) {
            run.run();
        }
        return folders;
    }

    /** Trains the whole schedule (or until {@link #stop}); returns the number of optimizer steps done. */
    public long run() {
        // inference between steps (listeners, probes) must not record graphs: grad mode off on this thread
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        SplittableRandom data = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + 1);
        List<PlannedWindow> plan = new ArrayList<>(config.schedule());
        int windowIndex = 0;
        int planIndex = 0;
        double lossSinceCheckpoint = 0;
        int stepsSinceCheckpoint = 0;
        while (planIndex < plan.size()) {
            PlannedWindow planned = plan.get(planIndex);
            long start = step;
            long plannedEnd = start + planned.steps();
            String windowId = "w" + windowIndex;
            listener.onWindowOpened(new DataWindow(windowId, windowIndex, start, plannedEnd, planned.pIcl(), 0,
                    0, 0, false));
            long sequences = 0;
            long fingerprint = 0x84222325CBF29CE4L;
            boolean cut = false;
            while (step < plannedEnd) {
                if (!awaitRunnable()) {
                    break;
                }
                Double share = takePendingShare();
                if (share != null && step > start) {
                    // close this window here; the rest of its planned steps become a new window
                    plan.set(planIndex, new PlannedWindow((int) (plannedEnd - step), share));
                    if (pendingScopeWas == MixtureScope.ALL_FOLLOWING) {
                        for (int i = planIndex + 1; i < plan.size(); i++) {
                            plan.set(i, new PlannedWindow(plan.get(i).steps(), share));
                        }
                    }
                    cut = true;
                    break;
                } else if (share != null) {
                    planned = new PlannedWindow(planned.steps(), share);
                    plan.set(planIndex, planned);
                    listener.onWindowOpened(new DataWindow(windowId, windowIndex, start, plannedEnd, share, 0, 0, 0,
                            false));
                    if (pendingScopeWas == MixtureScope.ALL_FOLLOWING) {
                        for (int i = planIndex + 1; i < plan.size(); i++) {
                            plan.set(i, new PlannedWindow(plan.get(i).steps(), share));
                        }
                    }
                }
                ToyTask.Batch batch = task.batch(data, config.batchSize(), planned.pIcl());
                for (long id : batch.ids()) {
                    fingerprint = (fingerprint ^ id) * 0x100000001B3L;
                }
                sequences += batch.size();
                double loss = trainStep(batch);
                step++;
                lastLoss = loss;
                listener.onStep(step, loss);
                lossSinceCheckpoint += loss;
                stepsSinceCheckpoint++;
                boolean windowEnds = step == plannedEnd;
                if (windowEnds) {
                    listener.onWindowClosed(new DataWindow(windowId, windowIndex, start, step, planned.pIcl(),
                            sequences, sequences * ToyTask.LENGTH, fingerprint, true));
                }
                if (step % config.checkpointEvery() == 0) {
                    Path folder = saveCheckpoint(step, lossSinceCheckpoint / stepsSinceCheckpoint, planned.pIcl());
                    listener.onCheckpoint(step, folder, lossSinceCheckpoint / stepsSinceCheckpoint);
                    lossSinceCheckpoint = 0;
                    stepsSinceCheckpoint = 0;
                }
            }
            if (cut || (isStopped() && step > start && step < plannedEnd)) {
                listener.onWindowClosed(new DataWindow(windowId, windowIndex, start, step, planned.pIcl(),
                        sequences, sequences * ToyTask.LENGTH, fingerprint, true));
            }
            if (isStopped()) {
                break;
            }
            windowIndex++;
            if (!cut) {
                planIndex++;
            }
        }
        return step;
    }

    private MixtureScope pendingScopeWas;

    /** The learning rate of the update that makes step {@code atStep} (linear warm-up, then constant). */
    private double learningRate(long atStep) {
        return config.learningRate() * Math.min(1.0, (double) atStep / Math.max(1, config.warmupSteps()));
    }

    private double trainStep(ToyTask.Batch batch) {
        double lr = learningRate(step + 1);
        float loss;
        try (NDManager scope = root.newSubManager()) {
            NDArray ids = scope.create(batch.ids(), new Shape(batch.size(), ToyTask.LENGTH));
            NDArray targets = scope.create(batch.targets(), new Shape(batch.size()));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(ids);
                NDArray last = logits.get(":, " + (ToyTask.LENGTH - 1) + ", :");
                NDArray picked = last.logSoftmax(-1).mul(targets.oneHot(modelConfig.vocabSize()));
                // not div(Number): DJL frees that scalar at once, yet backward reads it (TransformerOps.scalar)
                NDArray lossArray = picked.sum().neg().div(scope.create(batch.size()));
                collector.backward(lossArray);
                loss = lossArray.getFloat();
            }
        }
        optimizer.step(lr);
        return loss;
    }

    /**
     * Writes checkpoint-STEP/ via a temporary folder renamed into place, so watchers only see whole folders. Beside
     * the weights, {@link OptimizerState#FILE}: the AdamW moments and a batch of the current window's mixture
     * drawn from its own generator (seeded by the step, so the training stream is untouched), the batch the
     * one-step stability test steps on.
     */
    private Path saveCheckpoint(long atStep, double trainLoss, double pIcl) {
        Path folder = config.outputDir().resolve("checkpoint-" + atStep);
        Path tmp = config.outputDir().resolve(".checkpoint-" + atStep + ".tmp");
        try {
            Files.createDirectories(config.outputDir());
            deleteRecursively(tmp);
            Files.createDirectories(tmp);
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(CheckpointLoader.CONFIG_FILE).toFile(),
                    modelConfig.toJson());
            Files.writeString(tmp.resolve(CheckpointLoader.TOKENIZER_FILE), ToyVocabulary.tokenizerJson());
            weights.save(tmp.resolve("model.safetensors"), TensorDType.F32);
            ToyTask.Batch next = task.batch(new SplittableRandom(config.seed() * 31 + atStep), config.batchSize(), pIcl);
            OptimizerState.write(tmp.resolve(OptimizerState.FILE), new ArrayList<>(weights.tensors().keySet()),
                    optimizer, learningRate(atStep), lossBatch(next));
            ObjectNode state = JSON.createObjectNode();
            state.put("global_step", atStep);
            state.put("train_loss", trainLoss);
            state.put("seed", config.seed());
            state.put("vocabulary_seed", config.vocabularySeed());
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve("trainer_state.json").toFile(), state);
            deleteRecursively(folder);
            Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save checkpoint at step " + atStep, e);
        }
    }

    /** The toy loss in the state file's terms: only the answer position (the last) is labelled. */
    private static OptimizerState.Batch lossBatch(ToyTask.Batch b) {
        long[] labels = new long[b.ids().length];
        java.util.Arrays.fill(labels, OptimizerState.IGNORE);
        for (int r = 0; r < b.size(); r++) {
            labels[r * ToyTask.LENGTH + ToyTask.LENGTH - 1] = b.targets()[r];
        }
        return new OptimizerState.Batch(b.ids(), labels, b.size(), ToyTask.LENGTH);
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    /**
     * Changes the ICL share from the next step on: the current window closes there (unless it has not
     * started) and its remaining planned steps run as a new window at {@code pIcl}; with
     * {@link MixtureScope#ALL_FOLLOWING} later windows take the share too.
     */
    public void adjustMixture(double pIcl, MixtureScope scope) {
        PlannedWindow.checkShare(pIcl);
        synchronized (lock) {
            pendingShare = pIcl;
            pendingScope = scope;
        }
    }

    public void pause() {
        synchronized (lock) {
            paused = true;
        }
    }

    public void resume() {
        synchronized (lock) {
            paused = false;
            lock.notifyAll();
        }
    }

    /** Ends {@link #run} after the current step (a paused run ends too). */
    public void stop() {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
    }

    public boolean isPaused() {
        synchronized (lock) {
            return paused;
        }
    }

    /** Optimizer steps done so far. */
    public long step() {
        return step;
    }

    public double lastLoss() {
        return lastLoss;
    }

    public ModelConfig modelConfig() {
        return modelConfig;
    }

    /** The model being trained (shares weights with the run: read it between steps, e.g. from a listener). */
    public GptNeoXModel model() {
        return model;
    }

    /** A copy of every weight, by HF name. */
    public Map<String, float[]> weightsSnapshot() {
        Map<String, float[]> out = new LinkedHashMap<>();
        weights.tensors().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    private boolean awaitRunnable() {
        synchronized (lock) {
            while (paused && !stopped) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopped = true;
                }
            }
            return !stopped;
        }
    }

    private Double takePendingShare() {
        synchronized (lock) {
            Double s = pendingShare;
            pendingScopeWas = pendingScope;
            pendingShare = null;
            return s;
        }
    }

    private boolean isStopped() {
        synchronized (lock) {
            return stopped;
        }
    }

    @Override
    public void close() {
        optimizer.close();
        weights.close();
        root.close();
    }
}
