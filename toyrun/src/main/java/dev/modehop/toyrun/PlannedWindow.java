package dev.modehop.toyrun;

/** A stretch of the schedule: {@code steps} optimizer steps whose batches hold a share {@code pIcl} of ICL sequences. */
public record PlannedWindow(int steps, double pIcl) {
    public PlannedWindow {
        if (steps <= 0) {
            throw new IllegalArgumentException("window steps must be positive: " + steps);
        }
        checkShare(pIcl);
    }

    static void checkShare(double pIcl) {
        if (!(pIcl >= 0 && pIcl <= 1)) {
            throw new IllegalArgumentException("p_icl must be in [0, 1]: " + pIcl);
        }
    }
}
