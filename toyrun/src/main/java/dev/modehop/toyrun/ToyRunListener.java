package dev.modehop.toyrun;

import java.nio.file.Path;

/**
 * What the toy run tells the outside world. Called on the training thread, in step order; a slow listener
 * slows training (hand events to a queue when that matters).
 */
public interface ToyRunListener {
    /** A complete checkpoint folder (config.json, model.safetensors, tokenizer.json) exists at {@code folder}. */
    void onCheckpoint(long step, Path folder, double trainLoss);

    /** A window's batches are all consumed (possibly cut short by {@link ToyRun#adjustMixture}). */
    void onWindowClosed(DataWindow window);

    /** A window starts; {@code window.endStep()} is its planned end. */
    default void onWindowOpened(DataWindow window) {
    }

    /** Every optimizer step, with the batch's loss (cheap: called 50-100 times a second). */
    default void onStep(long step, double loss) {
    }
}
