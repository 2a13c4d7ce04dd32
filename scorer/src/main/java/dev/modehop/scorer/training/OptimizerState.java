package dev.modehop.scorer.training;

import ai.djl.ndarray.NDArray;
import dev.modehop.scorer.checkpoint.CheckpointException;
import dev.modehop.scorer.checkpoint.SafetensorsFile;
import dev.modehop.scorer.checkpoint.SafetensorsWriter;
import dev.modehop.scorer.checkpoint.TensorDType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A checkpoint's AdamW state and one batch of its run's data, in {@code optimizer.safetensors} beside the
 * weights: what the one-step stability test needs to take the step training would take next.
 *
 * <p>Format (safetensors, every tensor F32): {@code exp_avg.NAME} and {@code exp_avg_sq.NAME} for every weight
 * NAME of {@code model.safetensors}, same shapes (AdamW's first and second moments); {@code batch.input_ids}
 * [rows, length] and {@code batch.labels} [rows, length], token ids stored as floats (exact below 2^24):
 * {@code labels[r][t]} is the token the logits at position t must predict, -100 where no loss is taken.
 * Metadata (strings): {@code modehop_optimizer = adamw}, {@code step} (updates taken: the bias correction's
 * t), {@code lr} (of the last update), {@code beta1}, {@code beta2}, {@code eps}, {@code weight_decay},
 * {@code clip_norm} (global gradient norm clipping). Loss: mean cross-entropy over the labelled positions.
 */
public final class OptimizerState implements AutoCloseable {
    public static final String FILE = "optimizer.safetensors";
    /** The label that takes no loss (HF's ignore index). */
    public static final int IGNORE = -100;

    /** A batch of token ids, row-major. */
    public record Batch(long[] inputIds, long[] labels, int rows, int length) {
    }

    private final SafetensorsFile file;
    private final AdamW.Settings settings;
    private final long steps;
    private final double learningRate;

    private OptimizerState(SafetensorsFile file) {
        this.file = file;
        Map<String, String> meta = file.metadata();
        if (!"adamw".equals(meta.get("modehop_optimizer"))) {
            throw new CheckpointException(file.path(), "is not an AdamW state (metadata modehop_optimizer is '"
                    + meta.get("modehop_optimizer") + "', expected 'adamw')");
        }
        this.settings = new AdamW.Settings(number(meta, "beta1"), number(meta, "beta2"), number(meta, "weight_decay"),
                number(meta, "clip_norm"), number(meta, "eps"));
        this.steps = (long) number(meta, "step");
        this.learningRate = number(meta, "lr");
    }

    /** Whether the folder ships an optimizer state. */
    public static boolean present(Path folder) {
        return Files.isRegularFile(folder.resolve(FILE));
    }

    /** @throws CheckpointException when the file is missing, unreadable or not an AdamW state (names it) */
    public static OptimizerState open(Path folder) {
        SafetensorsFile f = SafetensorsFile.open(folder.resolve(FILE));
        try {
            return new OptimizerState(f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    public AdamW.Settings settings() {
        return settings;
    }

    public long steps() {
        return steps;
    }

    public double learningRate() {
        return learningRate;
    }

    /** The moments of {@code names} (the optimizer's parameter order), read one tensor at a time. */
    public AdamW.Moments moments(List<String> names) {
        return new AdamW.Moments() {
            @Override
            public float[] first(int param) {
                return file.readFloats("exp_avg." + names.get(param));
            }

            @Override
            public float[] second(int param) {
                return file.readFloats("exp_avg_sq." + names.get(param));
            }
        };
    }

    public Batch batch() {
        long[] shape = file.entry("batch.input_ids").shape();
        if (shape.length != 2 || !java.util.Arrays.equals(shape, file.entry("batch.labels").shape())) {
            throw new CheckpointException(file.path(), "batch.input_ids and batch.labels must both be [rows, length]");
        }
        return new Batch(ids(file.readFloats("batch.input_ids")), ids(file.readFloats("batch.labels")), (int) shape[0],
                (int) shape[1]);
    }

    /** Writes {@code file}: the optimizer's moments under the weights' {@code names}, and {@code batch}. */
    public static void write(Path file, List<String> names, AdamW optimizer, double lastLearningRate, Batch batch) {
        SafetensorsWriter w = new SafetensorsWriter();
        AdamW.Settings s = optimizer.settings();
        w.metadata("modehop_optimizer", "adamw").metadata("step", Long.toString(optimizer.steps()))
                .metadata("lr", num(lastLearningRate)).metadata("beta1", num(s.beta1())).metadata("beta2", num(s.beta2()))
                .metadata("eps", num(s.eps())).metadata("weight_decay", num(s.weightDecay()))
                .metadata("clip_norm", num(s.clipNorm()));
        for (int i = 0; i < names.size(); i++) {
            NDArray m = optimizer.firstMoment(i);
            w.add("exp_avg." + names.get(i), TensorDType.F32, m);
            w.add("exp_avg_sq." + names.get(i), TensorDType.F32, optimizer.secondMoment(i));
        }
        long[] shape = {batch.rows(), batch.length()};
        w.add("batch.input_ids", TensorDType.F32, shape, floats(batch.inputIds()));
        w.add("batch.labels", TensorDType.F32, shape, floats(batch.labels()));
        w.write(file);
    }

    private double number(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new CheckpointException(file.path(), "metadata has no '" + key + "'");
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new CheckpointException(file.path(), "metadata '" + key + "' is not a number: '" + v + "'");
        }
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%s", d);
    }

    private static long[] ids(float[] f) {
        long[] out = new long[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = (long) f[i];
        }
        return out;
    }

    private static float[] floats(long[] ids) {
        float[] out = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    @Override
    public void close() {
        file.close();
    }
}
