package deeptensor.internal.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The sweep cap and the stopping test of {@link OneSidedJacobi}. */
class OneSidedJacobiTest {

    /** A 3 × 3 column-major matrix whose columns are far from orthogonal. */
    private static double[] skewed() {
        return new double[] {1, 2, 3, 1, 2, 4, 2, 1, 0};
    }

    @Test
    void tooFewSweepsEndInAClearException() {
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> OneSidedJacobi.orthogonalize(skewed(), 3, 3, null, 3, new double[3], 1e-15, 0, 1));
        assertTrue(e.getMessage().contains("did not converge in 1 sweeps") && e.getMessage().contains("3×3"),
                e.getMessage());
    }

    @Test
    void convergedColumnsAreOrthogonalRelativeToTheirNorms() {
        double[] x = skewed();
        double[] norms2 = new double[3];
        int sweeps = OneSidedJacobi.orthogonalize(x, 3, 3, null, 3, norms2, Svd.tolerance(3), 0, Svd.MAX_SWEEPS);
        assertTrue(sweeps >= 2, "at least one sweep rotates and one confirms");
        for (int i = 0; i < 3; i++) {
            assertEquals(Blas.dot(x, 3 * i, x, 3 * i, 3), norms2[i], 1e-15 * norms2[i], "norm of column " + i);
            for (int j = i + 1; j < 3; j++) {
                double cosine = Math.abs(Blas.dot(x, 3 * i, x, 3 * j, 3)) / Math.sqrt(norms2[i] * norms2[j]);
                assertTrue(cosine <= Svd.tolerance(3), "columns " + i + ", " + j + ": cosine " + cosine);
            }
        }
    }
}
