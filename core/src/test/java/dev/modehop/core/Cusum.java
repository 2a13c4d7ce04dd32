package dev.modehop.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The baseline change-point detector the generic detector is compared with: Page's two-sided tabular
 * CUSUM on standardized values, reference k = 0.5 sigma, decision interval h = 5 sigma. Each regime's
 * target mean is the mean of its first {@code warmup} points; sigma is the known stderr or, without it,
 * the standard deviation of those points. After an alarm it restarts on the alarming point.
 */
public final class Cusum {
    private final double k;
    private final double h;
    private final int warmup;

    public Cusum(double k, double h, int warmup) {
        this.k = k;
        this.h = h;
        this.warmup = warmup;
    }

    /** Indices (0-based) at which the detector alarms. */
    public List<Integer> alarms(double[] values, double knownSigma) {
        List<Integer> out = new ArrayList<>();
        int start = 0;
        while (start + warmup < values.length) {
            double mean = 0;
            for (int i = start; i < start + warmup; i++) {
                mean += values[i];
            }
            mean /= warmup;
            double sigma = knownSigma;
            if (!(sigma > 0)) {
                double ss = 0;
                for (int i = start; i < start + warmup; i++) {
                    ss += (values[i] - mean) * (values[i] - mean);
                }
                sigma = Math.sqrt(ss / (warmup - 1));
                if (!(sigma > 0)) {
                    sigma = 1e-9;
                }
            }
            double up = 0;
            double down = 0;
            int alarm = -1;
            for (int i = start + warmup; i < values.length; i++) {
                double z = (values[i] - mean) / sigma;
                up = Math.max(0, up + z - k);
                down = Math.max(0, down - z - k);
                if (up > h || down > h) {
                    alarm = i;
                    break;
                }
            }
            if (alarm < 0) {
                break;
            }
            out.add(alarm);
            start = alarm;
        }
        return out;
    }
}
