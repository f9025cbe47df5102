package deeptensor.internal.kernel;

import deeptensor.kernel.TensorOps;
import deeptensor.internal.kernel.ShapeChecks;
import static deeptensor.internal.kernel.ModeProductPlanTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.testing.Tensors;
import org.junit.jupiter.api.Test;

/**
 * The wording of the shape checks where {@link EveryShapeCheckTest} (which only asks for a refusal)
 * cannot tell a right message from a wrong one: the GEMM message's transposition notes, the
 * Khatri-Rao and CP checks with no factor at all, the tensor-train core expected, the list of
 * shapes, and the unfolding shape at and beyond {@code 2^31 − 1} columns (no tensor allocated).
 * Every implementation runs these checks first, so they are called once here.
 */
class ShapeCheckMessagesTest {

    @Test
    void gemmSaysWhichOperandIsTransposed() {
        try (Tensors t = new Tensors()) {
            Tensor a = t.random(1, 2, 3), b = t.random(2, 3, 4), aT = t.random(3, 3, 2), bT = t.random(4, 4, 3), c = t.zeros(Shape.of(2, 5));
            assertMessage(IllegalArgumentException.class,
                    "gemm: op(A) of shape 2×3 (A 2×3) times op(B) of shape 3×4 (B 3×4) cannot go into C of shape 2×5",
                    () -> ShapeChecks.gemm(a, false, b, false, c));
            assertMessage(IllegalArgumentException.class,
                    "gemm: op(A) of shape 2×3 (A 3×2, transposed) times op(B) of shape 3×4 (B 3×4) cannot go into C of shape 2×5",
                    () -> ShapeChecks.gemm(aT, true, b, false, c));
            assertMessage(IllegalArgumentException.class,
                    "gemm: op(A) of shape 2×3 (A 2×3) times op(B) of shape 3×4 (B 4×3, transposed) cannot go into C of shape 2×5",
                    () -> ShapeChecks.gemm(a, false, bT, true, c));
            for (AllKernels k : KernelsUnderTest.all()) {
                assertMessage(IllegalArgumentException.class,
                        "gemm: op(A) of shape 2×3 (A 3×2, transposed) times op(B) of shape 3×4 (B 4×3, transposed) cannot go into C of shape 2×5",
                        () -> k.gemm(1, aT, true, bT, true, 0, c));
            }
        }
    }

    @Test
    void productsOfNoFactorsAreRefusedAsSuch() {
        try (Tensors t = new Tensors()) {
            for (AllKernels k : KernelsUnderTest.all()) {
                assertMessage(IllegalArgumentException.class, "Khatri-Rao product of no matrices",
                        () -> k.khatriRao(new Tensor[0], t.zeros(Shape.of(1, 3))));
                // a scalar "tensor" has no mode, so no factor gives a rank
                assertMessage(IllegalArgumentException.class, "CP reconstruction: no factor to take the rank from",
                        () -> k.cpReconstruct(new Tensor[0], t.zeros(Shape.of())));
            }
        }
    }

    /**
     * A Khatri-Rao product of exactly 2^31 − 1 rows is accepted (zero columns, so nothing is
     * allocated); one more row is refused.
     */
    @Test
    void khatriRaoRowsMayReachTwoToTheThirtyOneMinusOne() {
        int max = Integer.MAX_VALUE;
        try (Tensors t = new Tensors()) {
            Tensor tall = t.zeros(Shape.of(max, 0)), one = t.zeros(Shape.of(1, 0)), two = t.zeros(Shape.of(2, 0));
            assertEquals(0, ShapeChecks.khatriRao(new Tensor[] {tall}, t.zeros(Shape.of(max, 0))));
            assertEquals(0, ShapeChecks.khatriRao(new Tensor[] {tall, one}, t.zeros(Shape.of(max, 0))));
            assertEquals(0, ShapeChecks.khatriRao(new Tensor[] {one, tall}, t.zeros(Shape.of(max, 0))));
            assertMessage(IllegalArgumentException.class,
                    "Khatri-Rao output of shape 2147483647×0 should be 2147483648×0 for inputs [2147483647×0, 2×0]",
                    () -> ShapeChecks.khatriRao(new Tensor[] {tall, two}, t.zeros(Shape.of(max, 0))));
        }
    }

    @Test
    void anOutputOfAnotherRankIsRefusedAsSuch() {
        try (Tensors t = new Tensors()) {
            Tensor x = t.random(1, 2, 3, 4);
            Tensor[] f = {t.random(2, 2, 3), t.random(3, 3, 3), t.random(4, 4, 3)};
            for (AllKernels k : KernelsUnderTest.all()) {
                assertMessage(IllegalArgumentException.class, "MTTKRP: factors [2×3, 3×3, 4×3] have 3 columns but the output has 0",
                        () -> k.mttkrp(x, f, 0, t.zeros(Shape.of(2, 0))));
                assertMessage(IllegalArgumentException.class, "MTTKRP: factors [2×3, 3×3, 4×3] have 3 columns but the output has 2",
                        () -> k.mttkrp(x, f, 0, t.zeros(Shape.of(2, 2))));
            }
        }
    }

    @Test
    void tensorTrainChecksNameTheCoreTheyExpected() {
        try (Tensors t = new Tensors()) {
            Shape shape = Shape.of(2, 3, 4);
            Tensor g0 = t.random(1, 1, 2, 2), g1 = t.random(2, 2, 3, 5), g2 = t.random(3, 5, 4, 1);
            assertMessage(IllegalArgumentException.class,
                    "TT: core 2 of shape 5×4×2 should be 5×4×1 in a train for shape 2×3×4 with cores [1×2×2, 2×3×5, 5×4×2]",
                    () -> ShapeChecks.ttCores("TT", shape, new Tensor[] {g0, g1, t.random(4, 5, 4, 2)}));
            assertMessage(IllegalArgumentException.class,
                    "TT: core 1 of shape 3×3×5 should be 2×3×r in a train for shape 2×3×4 with cores [1×2×2, 3×3×5, 5×4×1]",
                    () -> ShapeChecks.ttCores("TT", shape, new Tensor[] {g0, t.random(5, 3, 3, 5), g2}));
            ShapeChecks.ttCores("TT", shape, new Tensor[] {g0, g1, g2});
        }
    }

    @Test
    void shapesAreListedInOrderWithDashesForMissingOnes() {
        try (Tensors t = new Tensors()) {
            assertEquals("[]", ShapeChecks.shapes(new Tensor[0]));
            assertEquals("[2×3]", ShapeChecks.shapes(new Tensor[] {t.zeros(Shape.of(2, 3))}));
            assertEquals("[2×3, -, 4]", ShapeChecks.shapes(new Tensor[] {t.zeros(Shape.of(2, 3)), null, t.zeros(Shape.of(4))}));
        }
    }

    @Test
    void unfoldingsHaveAtMostTwoToTheThirtyOneMinusOneColumns() {
        int max = Integer.MAX_VALUE;
        // exactly 2^31 − 1 columns, from the modes before and from the modes after
        assertEquals(Shape.of(1, max), TensorOps.unfoldedShape(Shape.of(max, 1), 1));
        assertEquals(Shape.of(1, max), TensorOps.unfoldedShape(Shape.of(1, max), 0));
        assertEquals(Shape.of(3, 20), TensorOps.unfoldedShape(Shape.of(4, 3, 5), 1));
        assertMessage(IllegalArgumentException.class,
                "the mode-1 unfolding of shape 50000×2×50000 has 2500000000 columns, more than a matrix can have",
                () -> TensorOps.unfoldedShape(Shape.of(50_000, 2, 50_000), 1));
        // More than 2^31 − 1 elements before (or after) the mode: refused too. (The message then gives
        // Long.MAX_VALUE as the column count, not the real 2^32: only its start is checked here.)
        for (int mode : new int[] {0, 2}) {
            Shape shape = mode == 2 ? Shape.of(65_536, 65_536, 2) : Shape.of(2, 65_536, 65_536);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TensorOps.unfoldedShape(shape, mode));
            assertTrue(e.getMessage().startsWith("the mode-" + mode + " unfolding of shape " + shape + " has "), e.getMessage());
        }
        assertMessage(IllegalArgumentException.class, "mode 3 does not exist in shape 4×3×5",
                () -> TensorOps.unfoldedShape(Shape.of(4, 3, 5), 3));
        assertMessage(IllegalArgumentException.class, "mode -1 does not exist in shape 4×3×5",
                () -> TensorOps.unfoldedShape(Shape.of(4, 3, 5), -1));
    }
}
