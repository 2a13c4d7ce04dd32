package dev.modehop.scorer.predictors;

import ai.djl.ndarray.NDManager;
import dev.modehop.scorer.model.DecoderModel;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.scorer.scoring.ScoringOptions;
import dev.modehop.scorer.scoring.TextTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Cheap generalization predictors of one checkpoint: the parameter L2 norm and, over one layer's pooled
 * activations of the suite's prompts, RankMe and the participation ratio ({@link ActivationSpectrum}).
 *
 * @param layer            the measured layer (block index, -1 = after the final norm); null when the activation
 *                         part failed
 * @param prompts          activation rows (0 when the activation part failed)
 * @param rankMe           null when not measured
 * @param participationRatio null when not measured or undefined (all rows equal)
 * @param activationError  why the activation part failed, or null
 * @param blockRankMe      RankMe of every block's output (index = block; NaN where undefined); empty when not
 *                         measured ({@link PredictorSettings#everyBlock()} off, or the activation part failed)
 * @param blockParticipationRatio the same for the participation ratio
 */
public record GeneralizationPredictors(double parameterL2Norm, Integer layer, int prompts, Double rankMe,
                                       Double participationRatio, double seconds, String activationError,
                                       double[] blockRankMe, double[] blockParticipationRatio) {

    public GeneralizationPredictors(double parameterL2Norm, Integer layer, int prompts, Double rankMe,
                                    Double participationRatio, double seconds, String activationError) {
        this(parameterL2Norm, layer, prompts, rankMe, participationRatio, seconds, activationError, new double[0],
                new double[0]);
    }

    /**
     * Measures the predictors of a loaded checkpoint. The L2 norm is read from the folder's stored weights (exact
     * whatever the compute dtype); a failure in the activation part is recorded in {@link #activationError()},
     * not thrown, so the cheap half still comes back.
     */
    public static GeneralizationPredictors measure(Path folder, DecoderModel model, TextTokenizer tokenizer,
                                                   NDManager manager, ProbeSuite suite, PredictorSettings settings,
                                                   ScoringOptions options) {
        long t0 = System.nanoTime();
        double norm = ParameterNorm.of(folder);
        try {
            int blocks = model.config().numLayers();
            int layer = settings.layerFor(blocks);
            List<String> prompts = PromptActivations.distinctPrompts(suite.items(), settings.maxPrompts());
            double[] blockRankMe = new double[0];
            double[] blockRatio = new double[0];
            double[][] rows;
            if (settings.everyBlock()) {
                // one pass through every block; the configured layer is one of them unless it is after the final norm
                double[][][] all = PromptActivations.pooledEveryBlock(model, tokenizer, manager, prompts,
                        options.batchSize(), options.maxBatchTokens());
                blockRankMe = new double[blocks];
                blockRatio = new double[blocks];
                for (int b = 0; b < blocks; b++) {
                    ActivationSpectrum block = ActivationSpectrum.of(all[b]);
                    blockRankMe[b] = block.rankMe();
                    blockRatio[b] = block.participationRatio();
                }
                rows = layer >= 0 && layer < blocks ? all[layer] : PromptActivations.pooled(model, tokenizer, manager,
                        prompts, layer, options.batchSize(), options.maxBatchTokens());
            } else {
                rows = PromptActivations.pooled(model, tokenizer, manager, prompts, layer, options.batchSize(),
                        options.maxBatchTokens());
            }
            ActivationSpectrum spectrum = ActivationSpectrum.of(rows);
            return new GeneralizationPredictors(norm, layer, rows.length, finite(spectrum.rankMe()),
                    finite(spectrum.participationRatio()), (System.nanoTime() - t0) / 1e9, null, blockRankMe, blockRatio);
        } catch (RuntimeException e) {
            return new GeneralizationPredictors(norm, null, 0, null, null, (System.nanoTime() - t0) / 1e9,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** One line for logs and the score table. */
    public String describe() {
        String activations = activationError != null ? "activations failed (" + activationError + ")"
                : String.format(Locale.ROOT, "layer %d over %d prompts: RankMe %s, participation ratio %s", layer,
                        prompts, format(rankMe), format(participationRatio));
        String blocks = blockRankMe.length == 0 ? "" : String.format(Locale.ROOT, "; every block's RankMe %s",
                java.util.Arrays.stream(blockRankMe).mapToObj(v -> String.format(Locale.ROOT, "%.2f", v))
                        .collect(java.util.stream.Collectors.joining(" ")));
        return String.format(Locale.ROOT, "parameter L2 norm %.4f; %s%s (%.2f s)", parameterL2Norm, activations, blocks,
                seconds);
    }

    private static String format(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
