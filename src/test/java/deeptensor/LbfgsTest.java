package deeptensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LbfgsTest {

    private static final Lbfgs.Control GO_ON = () -> null;

    @Test
    void findsTheMinimumOfARandomConvexQuadratic() {
        // f(x) = ½ xᵀAx − bᵀx with A = MᵀM + I: the minimum solves Ax = b, checked by the residual.
        SplittableRandom random = new SplittableRandom(11);
        for (int n : new int[] {1, 2, 7, 40}) {
            double[][] m = new double[n][n];
            for (double[] row : m) {
                for (int j = 0; j < n; j++) {
                    row[j] = random.nextGaussian();
                }
            }
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    for (int k = 0; k < n; k++) {
                        a[i][j] += m[k][i] * m[k][j];
                    }
                }
                a[i][i] += 1;
            }
            double[] b = new double[n];
            for (int i = 0; i < n; i++) {
                b[i] = random.nextGaussian();
            }
            Lbfgs.Objective f = (x, g) -> {
                double value = 0;
                for (int i = 0; i < n; i++) {
                    double ax = 0;
                    for (int j = 0; j < n; j++) {
                        ax += a[i][j] * x[j];
                    }
                    g[i] = ax - b[i];
                    value += 0.5 * x[i] * ax - b[i] * x[i];
                }
                return value;
            };
            double[] x = new double[n];
            Lbfgs.Result result = new Lbfgs(n).minimize(f, x, 1000, 1e-15, GO_ON);
            double[] g = new double[n];
            f.valueAndGradient(x, g);
            double norm = 0;
            for (double v : g) {
                norm = Math.max(norm, Math.abs(v));
            }
            assertTrue(norm < 1e-6, "n = " + n + ": gradient " + norm + " after " + result);
        }
    }

    @Test
    void minimizesRosenbrock() {
        Lbfgs.Objective rosenbrock = (x, g) -> {
            double a = 1 - x[0], b = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        };
        double[] x = {-1.2, 1};
        Lbfgs.Result result = new Lbfgs(2).minimize(rosenbrock, x, 500, 1e-16, GO_ON);
        assertEquals(1, x[0], 1e-4, result.toString());
        assertEquals(1, x[1], 1e-4, result.toString());
    }

    @Test
    void stopsWhenTheControlSaysSoAndKeepsTheLastPoint() {
        Lbfgs.Objective bowl = (x, g) -> {
            g[0] = 2 * (x[0] - 3);
            return (x[0] - 3) * (x[0] - 3);
        };
        double[] x = {0};
        Lbfgs.Result result = new Lbfgs(1).minimize(bowl, x, 100, 0, () -> Lbfgs.Stop.INTERRUPTED);
        assertEquals(Lbfgs.Stop.INTERRUPTED, result.stop());
        assertEquals(0, result.iterations());
        assertEquals(0, x[0], 0.0);
    }
}
