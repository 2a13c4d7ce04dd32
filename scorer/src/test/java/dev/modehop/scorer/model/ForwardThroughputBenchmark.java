package dev.modehop.scorer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modehop.scorer.checkpoint.TensorDType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forward-pass throughput on CPU, printed, never asserted:
 * {@code mvn -B -pl scorer test -Dscorer.excludedGroups= -Dtest=ForwardThroughputBenchmark}.
 * Random weights: the toy run's model and a Pythia-70M-shaped GPT-NeoX (6 layers, d 512, 8 heads,
 * vocab 50304), saved to safetensors and loaded back so load time is measured too.
 */
@Tag("slow")
class ForwardThroughputBenchmark {
    @TempDir
    Path tmp;

    @Test
    void toyModel() throws Exception {
        ModelConfig toy = ModelConfig.gptNeoX(73, 32, 2, 2, 128, 20, 0.0).toBuilder().parallelResidual(false)
                .prevTokenEmbedding(true).learnedPositions(true).bosTokenId(0).build();
        run("toy (d 32, 2 layers)", toy, 19, new int[] {1, 16, 64, 256, 1024}, 2000);
    }

    @Test
    void pythia70mShape() throws Exception {
        ModelConfig pythia = ModelConfig.gptNeoX(50304, 512, 6, 8, 2048, 2048, 0.25);
        run("pythia-70m shape", pythia, 64, new int[] {1, 4, 16, 32}, 64);
    }

    private void run(String name, ModelConfig config, int seqLen, int[] batches, int items) throws Exception {
        Path dir = RandomCheckpoints.write(tmp.resolve("m"), config, 1, 0.02, TensorDType.BF16,
                RandomCheckpoints.numberedTokenizerJson(8));
        long t0 = System.nanoTime();
        try (LoadedCheckpoint c = CheckpointLoader.load(dir, Device.cpu(), DataType.FLOAT32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            double loadS = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%s: %,d parameters, BF16 safetensors %.0f MB loaded in %.2f s%n", name,
                    c.decoder().weights().parameterCount(), Files.size(dir.resolve("model.safetensors")) / 1e6, loadS);
            Random r = new Random(0);
            for (int batch : batches) {
                long[] ids = new long[batch * seqLen];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = r.nextInt(config.vocabSize());
                }
                NDArray input = m.create(ids, new Shape(batch, seqLen));
                c.model().logits(m, input).close(); // warm-up
                double best = 0;
                for (int rep = 0; rep < 3; rep++) {
                    int calls = Math.max(1, items / batch);
                    long s = System.nanoTime();
                    for (int i = 0; i < calls; i++) {
                        c.model().logits(m, input).close();
                    }
                    best = Math.max(best, calls * batch / ((System.nanoTime() - s) / 1e9));
                }
                System.out.printf("%s: batch %4d x %d tokens: %,10.0f items/s %,12.0f tokens/s%n", name, batch,
                        seqLen, best, best * seqLen);
                input.close();
            }
            System.out.printf("%s: peak RSS %s%n", name, peakRss());
        }
    }

    private static String peakRss() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .findFirst().orElse("VmHWM n/a").replaceAll("\\s+", " ");
    }
}
