package dev.modehop.scorer.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;

/** Turns configuration strings into a DJL device and compute dtype. */
public final class ModelDevices {
    private ModelDevices() {
    }

    /**
     * {@code auto} (a GPU when DJL sees one, else the CPU), {@code cpu}, {@code cuda}/{@code gpu}
     * (GPU 0) or {@code cuda:N}.
     */
    public static Device device(String spec) {
        String s = spec == null ? "auto" : spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.isEmpty() || s.equals("auto")) {
            return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        }
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        if (s.equals("cuda") || s.equals("gpu")) {
            return gpu(0, spec);
        }
        if (s.startsWith("cuda:") || s.startsWith("gpu:")) {
            try {
                return gpu(Integer.parseInt(s.substring(s.indexOf(':') + 1)), spec);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("unknown device '" + spec + "' (auto, cpu, cuda, cuda:N)");
            }
        }
        throw new IllegalArgumentException("unknown device '" + spec + "' (auto, cpu, cuda, cuda:N)");
    }

    /** GPU {@code index}, refused at once (not at the first tensor) when DJL's engine does not see it. */
    private static Device gpu(int index, String spec) {
        int visible = Engine.getInstance().getGpuCount();
        if (index < 0 || index >= visible) {
            throw new IllegalArgumentException("device '" + spec + "' asked for, but the PyTorch engine sees "
                    + visible + " GPU(s): check the NVIDIA driver and that PYTORCH_LIBRARY_PATH points at a CUDA "
                    + "libtorch matching the JNI (scorer/README.md), or use --device cpu");
        }
        return Device.gpu(index);
    }

    /**
     * {@code float32} (default) or {@code float16}. bfloat16 is refused: the DJL PyTorch engine aborts the
     * JVM on BF16 tensors, so BF16 checkpoints are widened to float32 when read.
     */
    public static DataType dtype(String spec) {
        String s = spec == null ? "float32" : spec.trim().toLowerCase(java.util.Locale.ROOT);
        switch (s) {
            case "", "float32", "fp32", "f32":
                return DataType.FLOAT32;
            case "float16", "fp16", "f16", "half":
                return DataType.FLOAT16;
            default:
                throw new IllegalArgumentException("unsupported compute dtype '" + spec + "' (float32, float16)");
        }
    }
}
