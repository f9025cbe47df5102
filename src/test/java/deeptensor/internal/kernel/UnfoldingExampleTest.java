package deeptensor.internal.kernel;

import deeptensor.kernel.TensorOps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import deeptensor.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The worked 2×3×4 example of docs/design.md. X holds 0..23 in row-major order.
 *
 * <p>Expected values: TensorLy defines {@code unfold(X, n) = reshape(moveaxis(X, n, 0), (X.shape[n], -1))}
 * (tensorly/base.py). They were produced with NumPy 1.24.2 (Debian 12's python3-numpy) by
 * <pre>
 * X = np.arange(24.).reshape(2, 3, 4)
 * np.reshape(np.moveaxis(X, n, 0), (X.shape[n], -1))   # n = 0, 1, 2
 * </pre>
 */
class UnfoldingExampleTest {

    private static final double[][][] EXPECTED = {
        {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}},
        {{0, 1, 2, 3, 12, 13, 14, 15}, {4, 5, 6, 7, 16, 17, 18, 19}, {8, 9, 10, 11, 20, 21, 22, 23}},
        {{0, 4, 8, 12, 16, 20}, {1, 5, 9, 13, 17, 21}, {2, 6, 10, 14, 18, 22}, {3, 7, 11, 15, 19, 23}},
    };

    /** 0, 1, …, 23: X[i, j, k] = 12 i + 4 j + k in row-major order. */
    private static double[] arange24() {
        double[] values = new double[24];
        for (int i = 0; i < 24; i++) {
            values[i] = i;
        }
        return values;
    }

    @Test
    void unfoldingsOfTheTwoByThreeByFourExampleFollowTensorLy() {
        double[] values = arange24();
        for (Kernels kernels : KernelsUnderTest.all()) {
            try (Tensor x = Tensor.of(values, 2, 3, 4)) {
                for (int n = 0; n < 3; n++) {
                    try (Tensor unfolded = Tensor.zeros(TensorOps.unfoldedShape(x.shape(), n));
                         Tensor folded = Tensor.zeros(2, 3, 4)) {
                        kernels.unfold(x, n, unfolded);
                        assertEquals(EXPECTED[n].length, unfolded.rows());
                        for (int row = 0; row < unfolded.rows(); row++) {
                            double[] actual = unfolded.slice(row).toArray();
                            assertArrayEquals(EXPECTED[n][row], actual, 0.0, kernels.name() + ": mode " + n + " row " + row);
                        }
                        kernels.fold(unfolded, n, folded);
                        assertArrayEquals(values, folded.toArray(), 0.0, kernels.name() + ": fold mode " + n);
                    }
                }
            }
        }
    }

    @Test
    void modeProductOfTheExampleMatchesAHandComputation() {
        // X ×_1 U with U = [[1, 0, -1]] (1×3): out[i, 0, k] = X[i, 0, k] − X[i, 2, k] = −8 for every i, k,
        // since X[i, j, k] = 12 i + 4 j + k.
        double[] values = arange24();
        for (Kernels kernels : KernelsUnderTest.all()) {
            try (Tensor x = Tensor.of(values, 2, 3, 4); Tensor u = Tensor.matrix(new double[][] {{1, 0, -1}});
                 Tensor out = Tensor.zeros(2, 1, 4)) {
                kernels.modeProduct(x, 1, u, out);
                double[] expected = new double[8];
                java.util.Arrays.fill(expected, -8);
                assertArrayEquals(expected, out.toArray(), 0.0, kernels.name());
            }
        }
    }
}
