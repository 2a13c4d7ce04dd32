package dev.modehop.scorer.scoring;

/** Called from the scoring thread, at most once per {@link ScoringOptions#progressInterval()} and at the end. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = p -> { };

    void onProgress(ScoringProgress progress);
}
