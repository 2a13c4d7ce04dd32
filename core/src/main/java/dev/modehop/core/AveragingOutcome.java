package dev.modehop.core;

import java.util.List;

/**
 * What averaging the weights of the checkpoints around a hop did to it, per family (the paper's second
 * property of a hop: merging neighbouring checkpoints does not remove it). The average is classified like any
 * checkpoint ({@link ModeClassifier}) and compared with the hop's two sides: the last checkpoint before the
 * hop (old mode) and the hop's own (new mode).
 */
public enum AveragingOutcome {
    /** The average sits in the old mode: averaging undid the hop. */
    REMOVED,
    /** The average sits in the new mode: the hop survives averaging. */
    KEPT,
    /** The average sits in neither side's mode (another mode, or too little evidence to say). */
    BETWEEN,
    /** The family did not change mode between the two sides: nothing to remove. */
    NO_HOP;

    /** The window the scorers average when a request names none. */
    public static final int DEFAULT_CHECKPOINTS = 5;
    /** The largest window a request may ask for. */
    public static final int MAX_CHECKPOINTS = 64;

    /** The outcome for one family from the modes of the two sides and of the average. */
    public static AveragingOutcome of(Mode oldMode, Mode newMode, Mode averageMode) {
        if (oldMode == newMode || oldMode == Mode.UNDECIDED || newMode == Mode.UNDECIDED) {
            return NO_HOP;
        }
        if (averageMode == oldMode) {
            return REMOVED;
        }
        return averageMode == newMode ? KEPT : BETWEEN;
    }

    /**
     * One family's comparison, each side classified from its pooled hard accuracy over {@code items}
     * distinct questions with binomial noise (the scorer has no history of the family's dispersion).
     */
    public record Family(String family, double oldAccuracy, double newAccuracy, double averageAccuracy, int items,
                         Mode oldMode, Mode newMode, Mode averageMode, AveragingOutcome outcome) {

        public static Family classify(ModeClassifier classifier, String family, double oldAccuracy,
                                      double newAccuracy, double averageAccuracy, int items) {
            Mode o = classifier.classify(oldAccuracy, items);
            Mode n = classifier.classify(newAccuracy, items);
            Mode a = classifier.classify(averageAccuracy, items);
            return new Family(family, oldAccuracy, newAccuracy, averageAccuracy, items, o, n, a, of(o, n, a));
        }
    }

    /**
     * The steps of the {@code checkpoints}-wide window centred on the hop, out of a run's checkpoint steps
     * (ascending): {@code checkpoints / 2} before the hop, the hop and the rest after it (5: two before, the hop,
     * two after). Clipped at the run's ends; empty when {@code hopStep} is not among {@code steps}.
     */
    public static List<Long> window(List<Long> steps, long hopStep, int checkpoints) {
        int i = steps.indexOf(hopStep);
        if (i < 0) {
            return List.of();
        }
        int lo = Math.max(0, i - checkpoints / 2);
        int hi = Math.min(steps.size(), i - checkpoints / 2 + checkpoints);
        return List.copyOf(steps.subList(lo, hi));
    }

    /** How many checkpoints after the hop the full window needs (for waiting on checkpoints not yet announced). */
    public static int neededAfter(int checkpoints) {
        return checkpoints - checkpoints / 2 - 1;
    }
}
