package deeptensor.internal.linalg;

import deeptensor.tensor.Tensor;
import java.util.SplittableRandom;

/** Plain on-heap matrix helpers for the tests: the oracles are written out in the obvious way. */
final class Dense {

    private Dense() {
    }

    static double[][] of(Tensor t) {
        double[][] a = new double[t.rows()][t.cols()];
        double[] flat = t.toArray();
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(flat, i * a[i].length, a[i], 0, a[i].length);
        }
        return a;
    }

    static Tensor tensor(double[][] a) {
        return Tensor.matrix(a);
    }

    static int rows(double[][] a) {
        return a.length;
    }

    static int cols(double[][] a) {
        return a.length == 0 ? 0 : a[0].length;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        int m = rows(a);
        int inner = cols(a);
        int n = cols(b);
        double[][] c = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < inner; k++) {
                double aik = a[i][k];
                for (int j = 0; j < n; j++) {
                    c[i][j] += aik * b[k][j];
                }
            }
        }
        return c;
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[cols(a)][rows(a)];
        for (int i = 0; i < rows(a); i++) {
            for (int j = 0; j < cols(a); j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    static double[][] scale(double[][] a, double c) {
        double[][] s = new double[rows(a)][cols(a)];
        for (int i = 0; i < rows(a); i++) {
            for (int j = 0; j < cols(a); j++) {
                s[i][j] = c * a[i][j];
            }
        }
        return s;
    }

    static double frobenius(double[][] a) {
        double sum = 0;
        for (double[] row : a) {
            for (double v : row) {
                sum += v * v;
            }
        }
        return Math.sqrt(sum);
    }

    /** ‖A − U diag(s) Vᵀ‖_F. */
    static double reconstructionError(double[][] a, double[][] u, double[] s, double[][] vt) {
        double sum = 0;
        for (int i = 0; i < rows(a); i++) {
            for (int j = 0; j < cols(a); j++) {
                double x = 0;
                for (int c = 0; c < s.length; c++) {
                    x += u[i][c] * s[c] * vt[c][j];
                }
                double d = a[i][j] - x;
                sum += d * d;
            }
        }
        return Math.sqrt(sum);
    }

    /** max |QᵀQ − I| over the columns of q. */
    static double columnOrthonormalityError(double[][] q) {
        int k = cols(q);
        double worst = 0;
        for (int c = 0; c < k; c++) {
            for (int d = c; d < k; d++) {
                double dot = 0;
                for (double[] row : q) {
                    dot += row[c] * row[d];
                }
                worst = Math.max(worst, Math.abs(dot - (c == d ? 1 : 0)));
            }
        }
        return worst;
    }

    /** max |Q Qᵀ − I| over the rows of q. */
    static double rowOrthonormalityError(double[][] q) {
        return columnOrthonormalityError(transpose(q));
    }

    /**
     * An m × k matrix with orthonormal columns: the first k columns of a product of Householder
     * reflections I − 2 w wᵀ / wᵀw with random w, which is orthogonal by construction.
     */
    static double[][] orthonormalColumns(int m, int k, SplittableRandom random) {
        double[][] q = new double[m][k];
        for (int c = 0; c < k; c++) {
            q[c][c] = 1;
        }
        for (int reflection = 0; reflection < 3; reflection++) {
            double[] w = new double[m];
            double norm2 = 0;
            for (int i = 0; i < m; i++) {
                w[i] = random.nextGaussian();
                norm2 += w[i] * w[i];
            }
            for (int c = 0; c < k; c++) {
                double dot = 0;
                for (int i = 0; i < m; i++) {
                    dot += w[i] * q[i][c];
                }
                double factor = 2 * dot / norm2;
                for (int i = 0; i < m; i++) {
                    q[i][c] -= factor * w[i];
                }
            }
        }
        return q;
    }

    /** Q1 diag(s) Q2ᵀ for random Q1 (m × k), Q2 (n × k) with orthonormal columns, k = s.length. */
    static double[][] withSpectrum(int m, int n, double[] s, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] q1 = orthonormalColumns(m, s.length, random);
        double[][] q2 = orthonormalColumns(n, s.length, random);
        double[][] scaled = new double[m][s.length];
        for (int i = 0; i < m; i++) {
            for (int c = 0; c < s.length; c++) {
                scaled[i][c] = q1[i][c] * s[c];
            }
        }
        return multiply(scaled, transpose(q2));
    }

    static double[] sortedDescending(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0, j = sorted.length - 1; i < j; i++, j--) {
            double t = sorted[i];
            sorted[i] = sorted[j];
            sorted[j] = t;
        }
        return sorted;
    }

    /** max_i |a_i − b_i| / scale, or infinity if the lengths differ. */
    static double maxDifference(double[] a, double[] b, double scale) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return scale == 0 ? worst : worst / scale;
    }
}
