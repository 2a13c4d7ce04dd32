package dev.modehop.scorer.worker;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.LoadedCheckpoint;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.scorer.scoring.HuggingFaceTextTokenizer;
import dev.modehop.scorer.scoring.ProgressListener;
import dev.modehop.scorer.scoring.ScoringOptions;
import dev.modehop.scorer.scoring.SuiteScore;
import dev.modehop.scorer.scoring.TeacherForcedScorer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Items/s and tokens/s of scoring the toy suite on a toy-run-shaped checkpoint, for a sweep of batch sizes,
 * with and without one-token answer sharing. Prints a table; asserts nothing about speed. Tagged slow:
 * {@code mvn -pl scorer test -Dtest=ScoringThroughputBenchmark -Dscorer.excludedGroups=gpu}.
 */
@Tag("slow")
class ScoringThroughputBenchmark {
    @TempDir
    Path dir;

    @Test
    void batchSizeSweepOnTheToyModel() throws IOException {
        Path folder = ToyCheckpoints.random(dir.resolve("toy"), 3);
        ProbeSuite suite = ProbeSuite.load("toy");
        try (LoadedCheckpoint ckpt = CheckpointLoader.load(folder, Device.cpu(), DataType.FLOAT32);
             NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            HuggingFaceTextTokenizer tokenizer = new HuggingFaceTextTokenizer(ckpt.tokenizer());
            // Warm-up: first forward passes pay for lazy native initialization.
            new TeacherForcedScorer(ckpt.model(), tokenizer, manager, ScoringOptions.builder().batchSize(64).build())
                    .score(suite, ProgressListener.NONE);
            System.out.println("toy suite (1024 rows), d=32 2-layer GPT-NeoX + prev-token embedding, CPU float32, "
                    + "threads: " + System.getenv("OMP_NUM_THREADS"));
            System.out.println("share batch  sequences  tokens  seconds  items/s  tokens/s");
            for (boolean share : new boolean[] {true, false}) {
                for (int batch : new int[] {1, 4, 16, 64, 256, 1024}) {
                    ScoringOptions options = ScoringOptions.builder().batchSize(batch)
                            .maxBatchTokens(1 << 20).shareSingleTokenAnswers(share).build();
                    SuiteScore best = null;
                    for (int rep = 0; rep < 3; rep++) {
                        SuiteScore s = new TeacherForcedScorer(ckpt.model(), tokenizer, manager, options)
                                .score(suite, ProgressListener.NONE);
                        best = best == null || s.seconds() < best.seconds() ? s : best;
                    }
                    System.out.println(String.format(Locale.ROOT, "%-5s %5d %10d %7d %8.3f %8.0f %9.0f", share, batch,
                            best.sequences(), best.tokens(), best.seconds(), best.itemsPerSecond(),
                            best.tokensPerSecond()));
                }
            }
        }
    }
}
