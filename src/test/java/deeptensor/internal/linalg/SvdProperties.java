package deeptensor.internal.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import deeptensor.tensor.Tensor;
import deeptensor.testing.Properties;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Properties of {@link Svd} on random matrices of 1..40 × 1..40. The generators build matrices from
 * lists of entries (dense values, small integers that make rank-deficient matrices with repeated
 * singular values, products of thin factors), so QuickTheories shrinks a failure to a small shape with
 * simple entries.
 */
class SvdProperties {

    /** The accuracy the SVD promises on these sizes (see the class comment of Svd). */
    private static final double TOLERANCE = 1e-12;

    /** Matrices of 1..40 × 1..40: dense entries, small integers, or a product of thin factors. */
    private static final Gen<double[][]> MATRICES = integers().between(1, 40)
            .zip(integers().between(1, 40), (m, n) -> new int[] {m, n})
            .flatMap(mn -> matrices(mn[0], mn[1]))
            .describedAs(Arrays::deepToString);

    private static Gen<double[][]> matrices(int m, int n) {
        return Generate.oneOf(
                entries(m, n, doubles().between(-1e3, 1e3).map(SvdProperties::sixDecimals)),
                entries(m, n, integers().between(-2, 2).map(Integer::doubleValue)),
                lowRank(m, n));
    }

    /** Rounds to six decimals, so that shrunk counter-examples are readable. */
    private static double sixDecimals(double x) {
        return Math.rint(x * 1e6) / 1e6;
    }

    private static Gen<double[][]> entries(int m, int n, Gen<Double> entry) {
        return lists().of(entry).ofSize(m * n).map(values -> {
            double[][] a = new double[m][n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    a[i][j] = values.get(i * n + j);
                }
            }
            return a;
        });
    }

    private static Gen<double[][]> lowRank(int m, int n) {
        Gen<Double> entry = doubles().between(-10, 10).map(SvdProperties::sixDecimals);
        return integers().between(1, Math.min(m, n)).flatMap(r -> entries(m, r, entry).zip(entries(r, n, entry), Dense::multiply));
    }

    @Test
    void factorsAreOrthonormalAndReconstructTheInput() {
        Properties.qt(300).forAll(MATRICES).checkAssert((a) -> {
            try (Tensor t = Dense.tensor(a); Svd.Result svd = Svd.decompose(t)) {
                int k = Math.min(Dense.rows(a), Dense.cols(a));
                assertEquals(List.of(Dense.rows(a), k), List.of(svd.u().rows(), svd.u().cols()), "shape of U");
                assertEquals(List.of(k, Dense.cols(a)), List.of(svd.vt().rows(), svd.vt().cols()), "shape of Vt");
                double[][] u = Dense.of(svd.u());
                double[][] vt = Dense.of(svd.vt());
                double[] s = svd.s();
                assertTrue(Dense.columnOrthonormalityError(u) <= TOLERANCE, "U columns orthonormal");
                assertTrue(Dense.rowOrthonormalityError(vt) <= TOLERANCE, "V columns orthonormal");
                double norm = Dense.frobenius(a);
                double error = Dense.reconstructionError(a, u, s, vt);
                assertTrue(error <= TOLERANCE * norm, "‖A − U S Vᵀ‖_F = " + error + " for ‖A‖_F = " + norm);
                for (int i = 0; i < s.length; i++) {
                    assertTrue(s[i] >= 0 && (i == 0 || s[i] <= s[i - 1]), "descending and non-negative: " + s[i]);
                }
                // Σ σ_i² = ‖A‖_F²: an oracle that does not depend on the vectors.
                double energy = 0;
                for (double value : s) {
                    energy += value * value;
                }
                assertEquals(norm * norm, energy, 1e-12 * norm * norm, "sum of squared singular values");
            }
        });
    }

    @Test
    void singularValuesAloneEqualThoseOfTheDecomposition() {
        Properties.qt(300).forAll(MATRICES).checkAssert((a) -> {
            try (Tensor t = Dense.tensor(a); Svd.Result svd = Svd.decompose(t)) {
                double[] alone = Svd.singularValues(t);
                double[] s = svd.s();
                assertTrue(Dense.maxDifference(alone, s, s[0]) <= 1e-14, "singularValues vs decompose().s()");
            }
        });
    }

    @Test
    void transposingKeepsTheSingularValues() {
        Properties.qt(300).forAll(MATRICES).checkAssert((a) -> {
            try (Tensor t = Dense.tensor(a); Tensor transposed = Dense.tensor(Dense.transpose(a))) {
                double[] s = Svd.singularValues(t);
                double[] st = Svd.singularValues(transposed);
                assertTrue(Dense.maxDifference(s, st, s[0]) <= TOLERANCE, "σ(A) = σ(Aᵀ)");
            }
        });
    }

    @Test
    void scalingScalesTheSingularValues() {
        Properties.qt(300).forAll(MATRICES, doubles().between(-1000.0, 1000.0)).checkAssert((a, c) -> {
            try (Tensor t = Dense.tensor(a); Tensor scaled = Dense.tensor(Dense.scale(a, c))) {
                double[] s = Svd.singularValues(t);
                double[] expected = new double[s.length];
                for (int i = 0; i < s.length; i++) {
                    expected[i] = Math.abs(c) * s[i];
                }
                double[] actual = Svd.singularValues(scaled);
                assertTrue(Dense.maxDifference(actual, expected, expected[0]) <= TOLERANCE, "σ(cA) = |c| σ(A)");
            }
        });
    }

    @Test
    void aRectangularDiagonalMatrixHasItsAbsoluteEntriesSorted() {
        Properties.qt(300).forAll(lists().of(doubles().between(-1000.0, 1000.0)).ofSizeBetween(1, 30), integers().between(0, 10), integers().between(0, 10)).checkAssert((diagonal, extraRows, extraCols) -> {
            int k = diagonal.size();
            double[][] a = new double[k + extraRows][k + extraCols];
            double[] expected = new double[k];
            for (int i = 0; i < k; i++) {
                a[i][i] = diagonal.get(i);
                expected[i] = Math.abs(diagonal.get(i));
            }
            expected = Dense.sortedDescending(expected);
            try (Tensor t = Dense.tensor(a)) {
                double[] s = Svd.singularValues(t);
                double[] padded = java.util.Arrays.copyOf(expected, Math.min(a.length, a[0].length));
                // Diagonal input needs no rotation: the values are the entries up to rounding in the QR.
                assertTrue(Dense.maxDifference(s, padded, padded[0]) <= 1e-15, "σ = |diagonal| sorted");
            }
        });
    }

    @Test
    void aRankOneMatrixHasTheProductOfTheNormsThenZeros() {
        Properties.qt(300).forAll(lists().of(doubles().between(-10, 10)).ofSizeBetween(1, 40), lists().of(doubles().between(-10, 10)).ofSizeBetween(1, 40)).checkAssert((u, v) -> {
            double[][] a = new double[u.size()][v.size()];
            double normU = 0;
            double normV = 0;
            for (int i = 0; i < u.size(); i++) {
                normU += u.get(i) * u.get(i);
                for (int j = 0; j < v.size(); j++) {
                    a[i][j] = u.get(i) * v.get(j);
                }
            }
            for (double x : v) {
                normV += x * x;
            }
            double[] expected = new double[Math.min(u.size(), v.size())];
            expected[0] = Math.sqrt(normU) * Math.sqrt(normV);
            try (Tensor t = Dense.tensor(a)) {
                double[] s = Svd.singularValues(t);
                double scale = Math.max(expected[0], Double.MIN_NORMAL);
                assertTrue(Dense.maxDifference(s, expected, scale) <= TOLERANCE, "σ = (‖u‖‖v‖, 0, …)");
            }
        });
    }

    @Test
    void aMatrixBuiltFromAChosenSpectrumHasThatSpectrum() {
        Properties.qt(300).forAll(lists().of(doubles().between(0, 100)).ofSizeBetween(1, 25), integers().between(0, 15), integers().between(0, 15), longs().all()).checkAssert((spectrum, extraRows, extraCols, seed) -> {
            double[] s = spectrum.stream().mapToDouble(Double::doubleValue).toArray();
            int m = s.length + extraRows;
            int n = s.length + extraCols;
            double[][] a = Dense.withSpectrum(m, n, s, seed);
            double[] expected = java.util.Arrays.copyOf(Dense.sortedDescending(s), Math.min(m, n));
            try (Tensor t = Dense.tensor(a)) {
                double[] actual = Svd.singularValues(t);
                double scale = Math.max(expected[0], Double.MIN_NORMAL);
                assertTrue(Dense.maxDifference(actual, expected, scale) <= TOLERANCE,
                        "σ(Q1 diag(s) Q2ᵀ) = s: expected " + java.util.Arrays.toString(expected) + ", got "
                                + java.util.Arrays.toString(actual));
            }
        });
    }

    /**
     * Jacobi's relative accuracy: for A = Q diag(d) (columns scaled, Q with orthonormal columns), every
     * singular value |d_i| is found to a small multiple of ε relative to itself, however small, not only
     * relative to σ_max. The same holds for the transpose (rows scaled). Magnitudes span 10⁻³⁰..1.
     */
    @Test
    void columnScaledOrthonormalMatricesKeepTinySingularValuesToRelativeAccuracy() {
        Properties.qt(200).forAll(lists().of(doubles().between(-30, 0)).ofSizeBetween(1, 20), integers().between(0, 20), longs().all()).checkAssert((exponents, extraRows, seed) -> {
            int k = exponents.size();
            int m = k + extraRows;
            double[][] q = Dense.orthonormalColumns(m, k, new java.util.SplittableRandom(seed));
            double[] d = new double[k];
            double[][] a = new double[m][k];
            for (int c = 0; c < k; c++) {
                d[c] = Math.pow(10, exponents.get(c));
                for (int i = 0; i < m; i++) {
                    a[i][c] = q[i][c] * d[c];
                }
            }
            double[] expected = Dense.sortedDescending(d);
            for (double[][] matrix : List.of(a, Dense.transpose(a))) {
                try (Tensor t = Dense.tensor(matrix)) {
                    double[] s = Svd.singularValues(t);
                    for (int i = 0; i < k; i++) {
                        double relative = Math.abs(s[i] - expected[i]) / expected[i];
                        assertTrue(relative <= 1e-12, "σ_" + i + " = " + s[i] + " for " + expected[i] + " (relative error "
                                + relative + ")");
                    }
                }
            }
        });
    }

    @Test
    void decomposingAViewReadsOnlyTheView() {
        Properties.qt(100).forAll(MATRICES).checkAssert((a) -> {
            // A slice of a larger tensor shares its memory; the SVD must read the slice's rows only.
            double[][] padded = new double[a.length + 2][];
            padded[0] = new double[a[0].length];
            java.util.Arrays.fill(padded[0], 1e6);
            System.arraycopy(a, 0, padded, 1, a.length);
            padded[a.length + 1] = padded[0].clone();
            try (Tensor whole = Dense.tensor(padded); Tensor t = Dense.tensor(a)) {
                Tensor view = whole.slice(1, a.length + 1);
                assertArrayEquals(Svd.singularValues(t), Svd.singularValues(view), 0.0);
            }
        });
    }
}
