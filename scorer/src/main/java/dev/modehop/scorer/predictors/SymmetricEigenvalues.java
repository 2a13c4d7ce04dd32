package dev.modehop.scorer.predictors;

import java.util.Arrays;

/**
 * Eigenvalues of a real symmetric matrix by the cyclic Jacobi method, in double precision. Each rotation zeroes
 * one off-diagonal pair; sweeps repeat until the off-diagonal mass is negligible against the whole matrix.
 * Slow for big matrices (O(n^3) per sweep), accurate for the small Gram matrices the predictors build (at most
 * a few hundred rows), and free of any native library.
 */
public final class SymmetricEigenvalues {
    private static final int MAX_SWEEPS = 100;
    private static final double RELATIVE_TOLERANCE = 1e-26;

    private SymmetricEigenvalues() {
    }

    /**
     * The eigenvalues of {@code matrix} in descending order. Only the upper triangle is read (the matrix is
     * taken to be symmetric); the input is not modified.
     */
    public static double[] of(double[][] matrix) {
        int n = matrix.length;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (matrix[i].length != n) {
                throw new IllegalArgumentException("not square: row " + i + " has " + matrix[i].length + " columns, expected " + n);
            }
            for (int j = i; j < n; j++) {
                a[i][j] = matrix[i][j];
                a[j][i] = matrix[i][j];
            }
        }
        double total = 0;
        for (double[] row : a) {
            for (double v : row) {
                total += v * v;
            }
        }
        for (int sweep = 0; sweep < MAX_SWEEPS && offDiagonal(a) > RELATIVE_TOLERANCE * total; sweep++) {
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotate(a, p, q);
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = a[i][i];
        }
        Arrays.sort(values);
        for (int i = 0; i < n / 2; i++) {
            double t = values[i];
            values[i] = values[n - 1 - i];
            values[n - 1 - i] = t;
        }
        return values;
    }

    /** A <- J^T A J with the rotation J in the (p, q) plane that makes a[p][q] zero. */
    private static void rotate(double[][] a, int p, int q) {
        double apq = a[p][q];
        if (apq == 0) {
            return;
        }
        double theta = (a[q][q] - a[p][p]) / (2 * apq);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int n = a.length;
        for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        double[] rowP = a[p];
        double[] rowQ = a[q];
        for (int k = 0; k < n; k++) {
            double apk = rowP[k];
            double aqk = rowQ[k];
            rowP[k] = c * apk - s * aqk;
            rowQ[k] = s * apk + c * aqk;
        }
    }

    private static double offDiagonal(double[][] a) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                if (i != j) {
                    sum += a[i][j] * a[i][j];
                }
            }
        }
        return sum;
    }
}
