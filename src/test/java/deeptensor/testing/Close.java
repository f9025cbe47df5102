package deeptensor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import deeptensor.tensor.Tensor;

/**
 * The tolerance policy for comparing floating-point tensors computed two ways (docs/design.md,
 * "Tolerances"): element-wise, {@code |a − b| ≤ RELATIVE · m + ABSOLUTE}, where {@code m} is the
 * magnitude of the terms that were summed to make that element — the same computation run on the
 * absolute values of the inputs. A bound relative to the result itself would fail on cancellations
 * (a sum of large terms that is nearly zero) and a fixed epsilon would fail on large values.
 *
 * <p>{@code RELATIVE = 1e-11}: the sums in these tests have at most about 10⁴ terms, whose worst-case
 * rounding error is {@code n·ε·m ≈ 1.1e-12·m}; the bound leaves a factor 10 of room while still
 * catching any wrong index or missing term (those give errors of order {@code m}).
 */
public final class Close {

    public static final double RELATIVE = 1e-11;
    public static final double ABSOLUTE = 1e-300;

    private Close() {
    }

    /** Asserts {@code actual ≈ expected} element-wise relative to {@code magnitude} (same shape, non-negative). */
    public static void assertClose(Tensor expected, Tensor actual, Tensor magnitude, String what) {
        assertEquals(expected.shape(), actual.shape(), what + ": shapes differ");
        assertEquals(expected.shape(), magnitude.shape(), what + ": magnitude shape differs");
        for (long i = 0; i < expected.size(); i++) {
            double e = expected.getFlat(i), a = actual.getFlat(i), m = magnitude.getFlat(i);
            if (!(Math.abs(e - a) <= RELATIVE * m + ABSOLUTE)) {
                fail(what + ": element " + i + " of shape " + expected.shape() + " is " + a + ", expected " + e
                        + " (difference " + Math.abs(e - a) + ", allowed " + (RELATIVE * m + ABSOLUTE) + ")");
            }
        }
    }

    /** Asserts two scalars agree relative to the magnitude of the terms that made them. */
    public static void assertClose(double expected, double actual, double magnitude, String what) {
        if (!(Math.abs(expected - actual) <= RELATIVE * magnitude + ABSOLUTE)) {
            fail(what + ": " + actual + ", expected " + expected + " (difference " + Math.abs(expected - actual)
                    + ", allowed " + (RELATIVE * magnitude + ABSOLUTE) + ")");
        }
    }

    /** Asserts bit-identical values. */
    public static void assertIdentical(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.shape(), actual.shape(), what + ": shapes differ");
        for (long i = 0; i < expected.size(); i++) {
            if (Double.doubleToLongBits(expected.getFlat(i)) != Double.doubleToLongBits(actual.getFlat(i))) {
                fail(what + ": element " + i + " is " + actual.getFlat(i) + ", expected exactly " + expected.getFlat(i));
            }
        }
    }
}
