package dev.modehop.scorer.predictors;

/**
 * Two effective-dimension measures of an N x d activation matrix (one row per prompt), in double precision.
 *
 * <ul>
 *   <li><b>RankMe</b> (Garrido et al., 2023) = exp(-sum_k p_k log p_k), p_k = sigma_k / sum(sigma) + 1e-7, over
 *   the singular values sigma of the <em>raw, uncentered</em> matrix, as the paper defines it on the embedding
 *   matrix. Between about 1 and min(N, d).</li>
 *   <li><b>Participation ratio</b> = (sum lambda)^2 / sum lambda^2 over the eigenvalues lambda of the covariance
 *   of the <em>centered</em> rows (the scale of the covariance cancels). Between 1 and min(N - 1, d); undefined
 *   (NaN) when all rows are equal.</li>
 * </ul>
 *
 * Singular values come from the eigenvalues of the smaller Gram matrix (X X^T when N <= d, else X^T X), which
 * has the same non-zero spectrum, via {@link SymmetricEigenvalues}.
 */
public record ActivationSpectrum(int rows, int columns, double rankMe, double participationRatio) {
    /** Added to every normalized singular value, as in the RankMe paper, so that log 0 never happens. */
    public static final double RANKME_EPSILON = 1e-7;

    public static ActivationSpectrum of(double[][] x) {
        int n = x.length;
        if (n == 0) {
            throw new IllegalArgumentException("no rows");
        }
        int d = x[0].length;
        for (double[] row : x) {
            if (row.length != d) {
                throw new IllegalArgumentException("rows of different lengths: " + row.length + " and " + d);
            }
        }
        double[] squaredSingular = SymmetricEigenvalues.of(gram(x));
        double[] centered = SymmetricEigenvalues.of(gram(centered(x)));
        return new ActivationSpectrum(n, d, rankMe(squaredSingular), participationRatio(centered));
    }

    /** RankMe from the eigenvalues of a Gram matrix (the squared singular values). */
    static double rankMe(double[] squaredSingular) {
        double[] sigma = new double[squaredSingular.length];
        double sum = 0;
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = Math.sqrt(Math.max(0, squaredSingular[i]));
            sum += sigma[i];
        }
        double entropy = 0;
        for (double s : sigma) {
            double p = (sum > 0 ? s / sum : 0) + RANKME_EPSILON;
            entropy -= p * Math.log(p);
        }
        return Math.exp(entropy);
    }

    static double participationRatio(double[] eigenvalues) {
        double sum = 0;
        double squares = 0;
        for (double l : eigenvalues) {
            double v = Math.max(0, l);
            sum += v;
            squares += v * v;
        }
        return squares > 0 ? sum * sum / squares : Double.NaN;
    }

    /** The smaller of X X^T (N x N) and X^T X (d x d). */
    static double[][] gram(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        if (n <= d) {
            double[][] g = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    double s = 0;
                    double[] a = x[i];
                    double[] b = x[j];
                    for (int k = 0; k < d; k++) {
                        s += a[k] * b[k];
                    }
                    g[i][j] = s;
                    g[j][i] = s;
                }
            }
            return g;
        }
        double[][] g = new double[d][d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                double ri = row[i];
                double[] gi = g[i];
                for (int j = i; j < d; j++) {
                    gi[j] += ri * row[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                g[i][j] = g[j][i];
            }
        }
        return g;
    }

    static double[][] centered(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int k = 0; k < d; k++) {
                mean[k] += row[k] / n;
            }
        }
        double[][] c = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                c[i][k] = x[i][k] - mean[k];
            }
        }
        return c;
    }
}
