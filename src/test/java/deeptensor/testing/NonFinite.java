package deeptensor.testing;

import static org.junit.jupiter.api.Assertions.fail;

import deeptensor.internal.kernel.Kernels;
import deeptensor.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * The non-finite contract of {@link Kernels#gemm}, checked against an oracle that does not run a
 * kernel: the kind of each element of C (finite, NaN, +∞, −∞) follows from its terms alone.
 */
public final class NonFinite {

    /** Kinds of values. */
    public static final int FINITE = 0, NAN = 1, PLUS_INFINITY = 2, MINUS_INFINITY = 3;

    private static final double[] SPECIAL = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0};
    /** alpha and beta: zero, one and others, none large enough to overflow. */
    public static final double[] SCALES = {0.0, 1.0, 0.5, -0.5, 2.5};

    private NonFinite() {
    }

    public static int kind(double x) {
        return Double.isNaN(x) ? NAN : x == Double.POSITIVE_INFINITY ? PLUS_INFINITY : x == Double.NEGATIVE_INFINITY ? MINUS_INFINITY : FINITE;
    }

    /** A rows × cols tensor of values in [−2, 2], each replaced with probability {@code p} by NaN, ±∞ or ±0. */
    public static Tensor withSpecials(Tensors t, SplittableRandom random, double p, int rows, int cols) {
        Tensor x = t.add(Tensor.zeros(rows, cols));
        for (long i = 0; i < x.size(); i++) {
            x.setFlat(i, random.nextDouble() < p ? SPECIAL[random.nextInt(SPECIAL.length)] : 4 * random.nextDouble() - 2);
        }
        return x;
    }

    /** The kind of a sum whose terms have the given kinds: IEEE 754 addition, whatever the order. */
    private static int kindOfSum(boolean nan, boolean plus, boolean minus) {
        return nan || (plus && minus) ? NAN : plus ? PLUS_INFINITY : minus ? MINUS_INFINITY : FINITE;
    }

    /**
     * Runs {@code C = alpha·op(A)·op(B) + beta·C} with non-finite values in A, B and C and checks
     * the contract: for alpha = 0, C becomes exactly {@code beta·C} (0 when beta = 0) whatever A and B
     * hold; otherwise every element is of the kind its terms give ({@code beta·C} being one term,
     * absent when beta = 0).
     */
    public static void assertGemmContract(Kernels kernels, long seed, int m, int n, int depth, boolean transposeA, boolean transposeB,
                                          double alpha, double beta) {
        SplittableRandom random = new SplittableRandom(seed);
        try (Tensors t = new Tensors()) {
            Tensor a = transposeA ? withSpecials(t, random, 0.15, depth, m) : withSpecials(t, random, 0.15, m, depth);
            Tensor b = transposeB ? withSpecials(t, random, 0.15, n, depth) : withSpecials(t, random, 0.15, depth, n);
            Tensor c0 = withSpecials(t, random, 0.15, m, n);
            Tensor c = t.add(c0.copy());
            kernels.gemm(alpha, a, transposeA, b, transposeB, beta, c);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double got = c.get(i, j), before = c0.get(i, j);
                    String where = kernels.name() + " gemm alpha=" + alpha + " beta=" + beta + " C[" + i + "][" + j + "] of "
                            + m + "×" + n + "×" + depth + (transposeA ? " Aᵀ" : "") + (transposeB ? " Bᵀ" : "");
                    if (alpha == 0) {
                        double expected = beta == 0 ? 0.0 : beta * before;
                        if (Double.doubleToLongBits(got) != Double.doubleToLongBits(expected)) {
                            fail(where + " is " + got + ", expected beta·C = " + expected + " (A and B must not be read)");
                        }
                        continue;
                    }
                    boolean nan = false, plus = false, minus = false;
                    for (int p = 0; p < depth; p++) {
                        double term = alpha * ((transposeA ? a.get(p, i) : a.get(i, p)) * (transposeB ? b.get(j, p) : b.get(p, j)));
                        int kind = kind(term);
                        nan |= kind == NAN;
                        plus |= kind == PLUS_INFINITY;
                        minus |= kind == MINUS_INFINITY;
                    }
                    if (beta != 0) {
                        int kind = kind(beta * before);
                        nan |= kind == NAN;
                        plus |= kind == PLUS_INFINITY;
                        minus |= kind == MINUS_INFINITY;
                    }
                    int expected = kindOfSum(nan, plus, minus);
                    if (kind(got) != expected) {
                        fail(where + " is " + got + "; its terms make it " + new String[] {"finite", "NaN", "+∞", "−∞"}[expected]);
                    }
                }
            }
        }
    }
}
