package dev.modehop.scorer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modehop.scorer.checkpoint.CheckpointException;
import dev.modehop.scorer.checkpoint.SafetensorsCheckpoint;
import dev.modehop.scorer.checkpoint.SafetensorsWriter;
import dev.modehop.scorer.checkpoint.TensorDType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A model's named tensors (HF names), owned by one NDManager that closing this releases. The same object
 * holds inference weights loaded from safetensors and trainable parameters (with gradients attached) of
 * the toy run.
 */
public final class ModelWeights implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> tensors;
    private final Path source;

    private ModelWeights(NDManager manager, Map<String, NDArray> tensors, Path source) {
        this.manager = manager;
        this.tensors = tensors;
        this.source = source;
    }

    /**
     * Loads exactly the tensors {@code shapes} names (others in the file, such as HF's cached attention
     * masks, are ignored) and checks each shape. Missing tensors and wrong shapes name the file.
     */
    public static ModelWeights load(SafetensorsCheckpoint checkpoint, Map<String, long[]> shapes, Device device,
                                    DataType dtype) {
        NDManager manager = NDManager.newBaseManager(device);
        manager.setName("weights:" + checkpoint.folder());
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                if (!checkpoint.contains(e.getKey())) {
                    throw new CheckpointException(checkpoint.source(), "has no tensor '" + e.getKey() + "'");
                }
                long[] actual = checkpoint.entry(e.getKey()).shape();
                if (!Arrays.equals(actual, e.getValue())) {
                    throw new CheckpointException(checkpoint.entry(e.getKey()).file(), "tensor '" + e.getKey()
                            + "' has shape " + Arrays.toString(actual) + ", config.json implies "
                            + Arrays.toString(e.getValue()));
                }
                tensors.put(e.getKey(), checkpoint.load(manager, e.getKey(), dtype));
            }
        } catch (RuntimeException ex) {
            manager.close();
            throw ex;
        }
        return new ModelWeights(manager, Collections.unmodifiableMap(tensors), checkpoint.source());
    }

    /**
     * Random weights from a seed, generated in Java so they are identical on every machine: N(0, std) for
     * matrices and embeddings, norms' weights 1 (+ noise {@code normNoise}), biases N(0, biasStd).
     */
    public static ModelWeights random(Map<String, long[]> shapes, long seed, double std, double normNoise,
                                      double biasStd, Device device, DataType dtype) {
        NDManager manager = NDManager.newBaseManager(device);
        manager.setName("weights:random");
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        SplittableRandom root = new SplittableRandom(seed);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            SplittableRandom r = root.split();
            String name = e.getKey();
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] data = new float[Math.toIntExact(n)];
            boolean isNorm = e.getValue().length == 1 && name.endsWith("norm.weight");
            boolean isBias = e.getValue().length == 1 && !isNorm;
            for (int i = 0; i < data.length; i++) {
                double g = gaussian(r);
                data[i] = (float) (isNorm ? 1 + normNoise * g : (isBias ? biasStd : std) * g);
            }
            NDArray a = manager.create(data, new Shape(e.getValue()));
            if (dtype != DataType.FLOAT32) {
                NDArray c = a.toType(dtype, false);
                a.close();
                a = c;
            }
            a.setName(name);
            tensors.put(name, a);
        }
        return new ModelWeights(manager, Collections.unmodifiableMap(tensors), null);
    }

    /** Box-Muller on SplittableRandom: reproducible across JVMs, unlike reliance on library internals. */
    static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    public NDArray get(String name) {
        NDArray a = tensors.get(name);
        if (a == null) {
            throw new CheckpointException(source == null ? Path.of("<random weights>") : source,
                    "has no tensor '" + name + "'");
        }
        return a;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** All tensors by HF name, in the order the architecture declares them. */
    public Map<String, NDArray> tensors() {
        return tensors;
    }

    public NDManager manager() {
        return manager;
    }

    /** Number of scalar parameters. */
    public long parameterCount() {
        return tensors.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    /** Writes all tensors to one safetensors file as {@code dtype}. */
    public void save(Path file, TensorDType dtype) {
        SafetensorsWriter w = new SafetensorsWriter();
        tensors.forEach((name, a) -> w.add(name, dtype, a));
        w.write(file);
    }

    @Override
    public void close() {
        manager.close();
    }
}
