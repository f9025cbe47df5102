package deeptensor.internal.kernel.simd;

import static org.junit.jupiter.api.Assertions.fail;

import deeptensor.tensor.Tensor;

/**
 * The accuracy bound the SIMD kernels are held to.
 *
 * <p>Each output element is a sum of {@code k} terms, each a product of a few factors. Summed in any
 * order, with or without fused multiply-adds, its computed value differs from the exact one by at
 * most about {@code (k + p)·u·Σ|terms|} ({@code u = 2^-53}, {@code p} factors per term; Higham,
 * <i>Accuracy and Stability of Numerical Algorithms</i>, §3.1 and §4.2). Both the reference and
 * the SIMD result are within that of the exact value, so they are within twice that of each other:
 * we check {@code |simd − ref| ≤ 2·(k + p + 2)·ε·Σ|terms|} with {@code ε = 2^-52 = 2u}, which
 * leaves a factor of two to spare. {@code Σ|terms|} is computed by the scalar kernel on the
 * absolute values of the inputs. A wrong index or a lost term misses this by many orders of
 * magnitude, so the check still bites.
 *
 * <p>Where {@code Σ|terms|} is not finite there is no rounding bound to apply; the non-finite
 * contract of {@link deeptensor.internal.kernel.Kernels} is checked instead. The magnitudes come from
 * {@link Scope#abs}, so a NaN magnitude means that a NaN input reaches the element (the result must
 * be NaN) and an infinite one that an infinite input does (the result must not be finite, and must
 * be the reference's infinity when the reference is infinite).
 */
final class Bounds {

    static final double EPS = Math.ulp(1.0);

    private Bounds() {
    }

    /** Asserts the bound element by element; {@code magnitude} holds Σ|terms| per element. */
    static void assertClose(String what, Tensor reference, Tensor actual, Tensor magnitude, double terms, double factors) {
        double c = 2 * (terms + factors + 2) * EPS;
        for (long i = 0; i < reference.size(); i++) {
            double ref = reference.getFlat(i), got = actual.getFlat(i), bound = c * magnitude.getFlat(i);
            double m = magnitude.getFlat(i);
            if (Double.isNaN(m)) {
                if (!Double.isNaN(got)) {
                    fail(what + ": element " + i + " of shape " + reference.shape() + " is " + got + " (reference " + ref
                            + "), but a NaN input reaches it: it must be NaN");
                }
            } else if (Double.isInfinite(m)) {
                if (Double.isFinite(got) || (Double.isInfinite(ref) && got != ref)) {
                    fail(what + ": element " + i + " of shape " + reference.shape() + " is " + got + ", reference " + ref
                            + ": an infinite input reaches it, so it must not be finite, and must be the reference's infinity when that is one");
                }
            } else if (!(Math.abs(got - ref) <= bound)) {
                fail(what + ": element " + i + " of shape " + reference.shape() + " is " + got + ", reference " + ref
                        + ", difference " + Math.abs(got - ref) + " exceeds bound " + bound);
            }
        }
    }

    /** Asserts exact equality (kernels that only move data). */
    static void assertIdentical(String what, Tensor reference, Tensor actual) {
        for (long i = 0; i < reference.size(); i++) {
            if (Double.doubleToLongBits(reference.getFlat(i)) != Double.doubleToLongBits(actual.getFlat(i))) {
                fail(what + ": element " + i + " of shape " + reference.shape() + " is " + actual.getFlat(i)
                        + ", reference " + reference.getFlat(i));
            }
        }
    }
}
