package dev.modehop.scorer.predictors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Spectra with known answers: the eigen-solver on hand-checked matrices, RankMe and PR on built spectra. */
class ActivationSpectrumTest {

    @Test
    void jacobiMatchesAHandCheckedThreeByThree() {
        // the second-difference matrix: eigenvalues 2 - sqrt2, 2, 2 + sqrt2 (characteristic polynomial
        // (2 - l)((2 - l)^2 - 2) = 0)
        double[][] a = {{2, -1, 0}, {-1, 2, -1}, {0, -1, 2}};
        assertArrayEquals(new double[] {2 + Math.sqrt(2), 2, 2 - Math.sqrt(2)}, SymmetricEigenvalues.of(a), 1e-12);
        assertEquals(2, a[0][0], "input untouched");
        // a repeated eigenvalue and a zero pivot difference: [[2,1,0],[1,2,0],[0,0,3]] has 3, 3, 1
        assertArrayEquals(new double[] {3, 3, 1}, SymmetricEigenvalues.of(new double[][] {{2, 1, 0}, {1, 2, 0}, {0, 0, 3}}),
                1e-12);
        assertArrayEquals(new double[] {5}, SymmetricEigenvalues.of(new double[][] {{5}}), 0);
    }

    @Test
    void jacobiKeepsTraceAndFrobeniusNormOfRandomMatrices() {
        Random r = new Random(1);
        for (int n : new int[] {2, 7, 40}) {
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    a[i][j] = a[j][i] = r.nextGaussian();
                }
            }
            double trace = 0;
            double frob = 0;
            for (int i = 0; i < n; i++) {
                trace += a[i][i];
                for (int j = 0; j < n; j++) {
                    frob += a[i][j] * a[i][j];
                }
            }
            double[] l = SymmetricEigenvalues.of(a);
            double sum = 0;
            double squares = 0;
            for (int i = 0; i < n; i++) {
                sum += l[i];
                squares += l[i] * l[i];
                if (i > 0) {
                    assertTrue(l[i] <= l[i - 1], "descending");
                }
            }
            assertEquals(trace, sum, 1e-9 * n);
            assertEquals(frob, squares, 1e-9 * frob);
        }
    }

    @Test
    void requalSingularValuesGiveRankMeAndParticipationRatioR() {
        Random random = new Random(2);
        for (int r : new int[] {1, 3, 10}) {
            int d = 24;
            double[][] q = randomOrthonormalRows(d, d, random);
            // rows +e_k and -e_k (k < r), rotated: zero mean, so centering changes nothing, and X^T X = 2 I_r
            double[][] x = new double[2 * r][];
            for (int k = 0; k < r; k++) {
                x[2 * k] = q[k].clone();
                x[2 * k + 1] = scaled(q[k], -1);
            }
            ActivationSpectrum s = ActivationSpectrum.of(x);
            assertEquals(r, s.rankMe(), 1e-3 * r, "RankMe, r = " + r);
            assertEquals(r, s.participationRatio(), 1e-9, "PR, r = " + r);
        }
    }

    @Test
    void bothGramSidesGiveTheSameSpectrum() {
        Random random = new Random(3);
        double[][] wide = gaussian(6, 20, random);   // N < d: X X^T
        double[][] tall = transpose(wide);            // N > d: X^T X of the transpose has the same spectrum
        ActivationSpectrum a = ActivationSpectrum.of(wide);
        double[] viaRows = SymmetricEigenvalues.of(ActivationSpectrum.gram(wide));
        double[] viaColumns = SymmetricEigenvalues.of(ActivationSpectrum.gram(tall));
        assertArrayEquals(viaRows, viaColumns, 1e-9);
        assertEquals(ActivationSpectrum.rankMe(viaRows), a.rankMe(), 1e-12);
        assertTrue(a.rankMe() > 1 && a.rankMe() < 6, "between 1 and min(N, d): " + a.rankMe());
        assertTrue(a.participationRatio() >= 1 && a.participationRatio() <= 5, "at most N - 1 after centering");
    }

    @Test
    void isotropicGaussianRowsHaveParticipationRatioNearD() {
        int d = 12;
        ActivationSpectrum s = ActivationSpectrum.of(gaussian(6000, d, new Random(4)));
        // sample covariance of N >> d white rows: PR ~ d / (1 + d/N)
        assertEquals(d, s.participationRatio(), 0.05 * d);
        assertTrue(s.rankMe() > 0.95 * d, "RankMe " + s.rankMe());
    }

    @Test
    void rankOneGivesOne() {
        Random random = new Random(5);
        double[] v = gaussian(1, 30, random)[0];
        double[][] x = new double[50][];
        for (int i = 0; i < x.length; i++) {
            x[i] = scaled(v, 1 + random.nextGaussian());
        }
        ActivationSpectrum s = ActivationSpectrum.of(x);
        assertEquals(1, s.rankMe(), 1e-4);
        assertEquals(1, s.participationRatio(), 1e-6);
    }

    @Test
    void identicalRowsHaveNoParticipationRatio() {
        double[][] x = {{1, 2, 3}, {1, 2, 3}};
        ActivationSpectrum s = ActivationSpectrum.of(x);
        assertTrue(Double.isNaN(s.participationRatio()));
        assertEquals(1, s.rankMe(), 1e-4);
    }

    private static double[][] gaussian(int n, int d, Random r) {
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int k = 0; k < d; k++) {
                row[k] = r.nextGaussian();
            }
        }
        return x;
    }

    private static double[][] randomOrthonormalRows(int n, int d, Random r) {
        double[][] q = gaussian(n, d, r);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += q[i][k] * q[j][k];
                }
                for (int k = 0; k < d; k++) {
                    q[i][k] -= dot * q[j][k];
                }
            }
            double norm = 0;
            for (double v : q[i]) {
                norm += v * v;
            }
            q[i] = scaled(q[i], 1 / Math.sqrt(norm));
        }
        return q;
    }

    private static double[] scaled(double[] v, double c) {
        double[] out = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = v[k] * c;
        }
        return out;
    }

    private static double[][] transpose(double[][] x) {
        double[][] t = new double[x[0].length][x.length];
        for (int i = 0; i < x.length; i++) {
            for (int k = 0; k < x[0].length; k++) {
                t[k][i] = x[i][k];
            }
        }
        return t;
    }
}
