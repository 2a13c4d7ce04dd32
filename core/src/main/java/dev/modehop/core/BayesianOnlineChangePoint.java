package dev.modehop.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Bayesian online change-point detection (Adams and MacKay, 2007) with a Gaussian observation model of
 * unknown mean and variance (Normal-Gamma prior) and a constant hazard: the reference the generic
 * detector is measured against, not used on the stream. Values are standardized by the series' median and
 * its robust first-difference scale first (the usual practice with this method's default prior). A change
 * is reported where the most probable run length drops, at the point the new run started.
 */
public final class BayesianOnlineChangePoint {
    /** Run lengths whose probability falls below this are dropped, which keeps the cost linear. */
    private static final double PRUNE = 1e-9;

    private final double hazard;
    private final double mu0;
    private final double kappa0;
    private final double alpha0;
    private final double beta0;

    /** Defaults: hazard 1/100, prior mean 0, kappa 1, alpha 1, beta 1. */
    public BayesianOnlineChangePoint() {
        this(1.0 / 100, 0, 1, 1, 1);
    }

    public BayesianOnlineChangePoint(double hazard, double mu0, double kappa0, double alpha0, double beta0) {
        this.hazard = hazard;
        this.mu0 = mu0;
        this.kappa0 = kappa0;
        this.alpha0 = alpha0;
        this.beta0 = beta0;
    }

    /** Change points (0-based starts of new segments) of the whole series, found online. */
    public List<Integer> changePoints(double[] raw) {
        double[] x = standardized(raw);
        List<Double> prob = new ArrayList<>(List.of(1.0));
        List<double[]> params = new ArrayList<>();
        params.add(new double[] {mu0, kappa0, alpha0, beta0});
        List<Integer> out = new ArrayList<>();
        int lastMap = 0;
        for (int t = 0; t < x.length; t++) {
            int m = prob.size();
            double[] growth = new double[m];
            double change = 0;
            for (int r = 0; r < m; r++) {
                double pred = studentT(x[t], params.get(r));
                growth[r] = prob.get(r) * pred * (1 - hazard);
                change += prob.get(r) * pred * hazard;
            }
            double total = change;
            for (double g : growth) {
                total += g;
            }
            List<Double> next = new ArrayList<>(m + 1);
            List<double[]> nextParams = new ArrayList<>(m + 1);
            next.add(change / total);
            nextParams.add(new double[] {mu0, kappa0, alpha0, beta0});
            for (int r = 0; r < m; r++) {
                double p = growth[r] / total;
                if (p < PRUNE) {
                    continue;
                }
                next.add(p);
                nextParams.add(update(params.get(r), x[t]));
            }
            prob = next;
            params = nextParams;
            int map = 0;
            for (int r = 1; r < prob.size(); r++) {
                if (prob.get(r) > prob.get(map)) {
                    map = r;
                }
            }
            // Run lengths are kept in order of age except where pruned; the run length of index r is the
            // number of points since its start, which the parameters carry as kappa - kappa0.
            int runLength = (int) Math.round(params.get(map)[1] - kappa0);
            if (t > 0 && runLength < lastMap) {
                int start = t - runLength + 1;
                if (start > 0 && (out.isEmpty() || out.get(out.size() - 1) != start)) {
                    out.add(start);
                }
            }
            lastMap = runLength;
        }
        return out;
    }

    private static double[] update(double[] p, double x) {
        double mu = p[0];
        double kappa = p[1];
        double alpha = p[2];
        double beta = p[3];
        return new double[] {(kappa * mu + x) / (kappa + 1), kappa + 1, alpha + 0.5,
                beta + kappa * (x - mu) * (x - mu) / (2 * (kappa + 1))};
    }

    /** The predictive density of x: a Student t with 2 alpha degrees of freedom. */
    private static double studentT(double x, double[] p) {
        double nu = 2 * p[2];
        double scale2 = p[3] * (p[1] + 1) / (p[2] * p[1]);
        double z = (x - p[0]) * (x - p[0]) / scale2;
        double logDensity = logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI * scale2)
                - (nu + 1) / 2 * Math.log1p(z / nu);
        return Math.exp(logDensity);
    }

    /** Values less the median, over the robust scale of first differences (what the baselines are run on). */
    public static double[] standardized(double[] raw) {
        int n = raw.length;
        double[] sorted = raw.clone();
        java.util.Arrays.sort(sorted);
        double median = sorted[n / 2];
        double[] diffs = new double[Math.max(1, n - 1)];
        for (int i = 1; i < n; i++) {
            diffs[i - 1] = Math.abs(raw[i] - raw[i - 1]);
        }
        java.util.Arrays.sort(diffs);
        double scale = diffs[diffs.length / 2] / 0.6745 / Math.sqrt(2);
        if (!(scale > 0)) {
            scale = 1;
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (raw[i] - median) / scale;
        }
        return x;
    }

    /** Lanczos approximation. */
    static double logGamma(double x) {
        double[] c = {676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        if (x < 0.5) {
            return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
        }
        x -= 1;
        double a = 0.99999999999980993;
        double t = x + 7.5;
        for (int i = 0; i < 8; i++) {
            a += c[i] / (x + i + 1);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
