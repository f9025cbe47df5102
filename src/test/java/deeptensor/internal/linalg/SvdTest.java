package deeptensor.internal.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Examples and edge cases of {@link Svd}. */
class SvdTest {

    @Test
    void aLargeWideRandomMatrixIsReconstructedWithOrthonormalFactors() {
        try (Tensor a = Tensor.gaussian(42, 1.0, 100, 2000); Svd.Result svd = Svd.decompose(a)) {
            double[][] dense = Dense.of(a);
            double[][] u = Dense.of(svd.u());
            double[][] vt = Dense.of(svd.vt());
            double[] s = svd.s();
            assertEquals(100, s.length);
            double relative = Dense.reconstructionError(dense, u, s, vt) / Dense.frobenius(dense);
            assertTrue(relative <= 1e-12, "relative reconstruction error " + relative);
            assertTrue(Dense.columnOrthonormalityError(u) <= 1e-12, "U orthonormal");
            assertTrue(Dense.rowOrthonormalityError(vt) <= 1e-12, "V orthonormal");
            try (Tensor transposed = Dense.tensor(Dense.transpose(dense))) {
                double[] tall = Svd.singularValues(transposed);
                assertTrue(Dense.maxDifference(tall, s, s[0]) <= 1e-12, "σ(Aᵀ) = σ(A) on the tall path");
            }
        }
    }

    @Test
    void orthogonalMatricesHaveAllSingularValuesOne() {
        // A Householder reflection I − 2 w wᵀ / wᵀw and a plane rotation: both orthogonal.
        SplittableRandom random = new SplittableRandom(3);
        int n = 17;
        double[] w = new double[n];
        double norm2 = 0;
        for (int i = 0; i < n; i++) {
            w[i] = random.nextGaussian();
            norm2 += w[i] * w[i];
        }
        double[][] reflection = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                reflection[i][j] = (i == j ? 1 : 0) - 2 * w[i] * w[j] / norm2;
            }
        }
        double angle = 0.7;
        double[][] rotation = {{Math.cos(angle), -Math.sin(angle)}, {Math.sin(angle), Math.cos(angle)}};
        for (double[][] q : new double[][][] {reflection, rotation}) {
            try (Tensor t = Dense.tensor(q)) {
                for (double value : Svd.singularValues(t)) {
                    assertEquals(1.0, value, 1e-14);
                }
            }
        }
    }

    @Test
    void aZeroMatrixHasZeroSingularValuesAndStillOrthonormalVectors() {
        for (int[] shape : new int[][] {{3, 5}, {5, 3}, {4, 4}}) {
            try (Tensor zero = Tensor.zeros(shape); Svd.Result svd = Svd.decompose(zero)) {
                assertArrayEquals(new double[Math.min(shape[0], shape[1])], svd.s(), 0.0);
                assertTrue(Dense.columnOrthonormalityError(Dense.of(svd.u())) <= 1e-15);
                assertTrue(Dense.rowOrthonormalityError(Dense.of(svd.vt())) <= 1e-15);
            }
        }
    }

    @Test
    void rankDeficientMatricesGetACompleteOrthonormalBasis() {
        // Two equal columns and a zero column: one exact zero singular value at least.
        double[][] a = {{1, 1, 0, 2}, {2, 2, 0, -1}, {3, 3, 0, 0.5}, {-1, -1, 0, 4}, {0, 0, 0, 1}};
        try (Tensor t = Dense.tensor(a); Svd.Result svd = Svd.decompose(t)) {
            double[] s = svd.s();
            assertEquals(0.0, s[2], 1e-14 * s[0]);
            assertEquals(0.0, s[3], 1e-14 * s[0]);
            assertTrue(Dense.columnOrthonormalityError(Dense.of(svd.u())) <= 1e-14);
            assertTrue(Dense.rowOrthonormalityError(Dense.of(svd.vt())) <= 1e-14);
            assertTrue(Dense.reconstructionError(a, Dense.of(svd.u()), s, Dense.of(svd.vt())) <= 1e-14 * Dense.frobenius(a));
        }
    }

    @Test
    void zeroSizeMatricesHaveNoSingularValues() {
        for (int[] shape : new int[][] {{0, 0}, {0, 5}, {5, 0}}) {
            try (Tensor empty = Tensor.zeros(shape); Svd.Result svd = Svd.decompose(empty)) {
                assertEquals(0, Svd.singularValues(empty).length);
                assertEquals(0, svd.s().length);
                assertArrayEquals(new int[] {shape[0], 0}, svd.u().shape().dims());
                assertArrayEquals(new int[] {0, shape[1]}, svd.vt().shape().dims());
            }
        }
    }

    @Test
    void aOneByOneMatrixIsItsOwnAbsoluteValueWithASign() {
        try (Tensor a = Tensor.of(new double[] {-2.5}, 1, 1); Svd.Result svd = Svd.decompose(a)) {
            assertArrayEquals(new double[] {2.5}, svd.s(), 0.0);
            assertEquals(-2.5, svd.u().get(0, 0) * 2.5 * svd.vt().get(0, 0), 0.0);
        }
    }

    @Test
    void extremeButFiniteMagnitudesAreHandledByPrescaling() {
        // Entries near the top and bottom of the double range: squares would overflow or underflow
        // without the power-of-two prescaling.
        for (double scale : new double[] {1e300, 1e-300}) {
            double[][] a = {{3 * scale, 0}, {4 * scale, 5 * scale}};
            // σ of [[3, 0], [4, 5]]: σ₁² + σ₂² = 50 and σ₁σ₂ = 15, so σ² = 25 ± √400 = 45, 5.
            try (Tensor t = Dense.tensor(a)) {
                double[] s = Svd.singularValues(t);
                assertEquals(Math.sqrt(45) * scale, s[0], 1e-14 * Math.sqrt(45) * scale);
                assertEquals(Math.sqrt(5) * scale, s[1], 1e-14 * Math.sqrt(5) * scale);
            }
        }
    }

    @Test
    void badInputIsRejectedWithAMessage() {
        try (Tensor cube = Tensor.zeros(2, 2, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Svd.singularValues(cube));
            assertTrue(e.getMessage().contains("2×2×2"), e.getMessage());
        }
        try (Tensor a = Tensor.of(new double[] {1, 2, Double.NaN, 4, 5, 6}, 2, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Svd.decompose(a));
            assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("row 0, column 2"), e.getMessage());
        }
        try (Tensor a = Tensor.of(new double[] {1, Double.NEGATIVE_INFINITY}, 2, 1)) {
            assertThrows(IllegalArgumentException.class, () -> Svd.singularValues(a));
        }
    }

    @Test
    void closingTheResultReleasesItsTensors() {
        Svd.Result svd;
        try (Tensor a = Tensor.gaussian(1, 1.0, 4, 3)) {
            svd = Svd.decompose(a);
        }
        svd.close();
        assertFalse(svd.u().isOpen());
        assertFalse(svd.vt().isOpen());
        svd.close(); // twice is allowed
    }
}
