package deeptensor.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Mismatched shapes and aliased outputs are rejected by every implementation, with both shapes named. */
class BadKernelInputTest {

    private static void rejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "message «" + e.getMessage() + "» should name «" + fragment + "»");
        }
    }

    @Test
    void mismatchedShapesAreRejectedWithBothShapesNamed() {
        for (AllKernels k : KernelsUnderTest.all()) {
            try (Tensors t = new Tensors()) {
                Tensor x = t.random(1, 2, 3, 4);
                Tensor u = t.random(2, 5, 4);
                rejects(() -> k.modeProduct(x, 1, u, t.zeros(Shape.of(2, 5, 4))), "5×4", "2×3×4");
                rejects(() -> k.modeProduct(x, 2, u, t.zeros(Shape.of(2, 3, 4))), "2×3×4", "2×3×5");
                rejects(() -> k.modeProduct(x, 3, u, t.zeros(Shape.of(2, 3, 4))), "mode 3", "2×3×4");
                rejects(() -> k.gemm(1, t.random(3, 2, 3), false, t.random(4, 4, 5), false, 0, t.zeros(Shape.of(2, 5))), "2×3", "4×5");
                rejects(() -> k.gemm(1, t.random(3, 2, 3), false, t.random(4, 3, 4), false, 0, t.zeros(Shape.of(2, 5))), "2×5", "3×4");
                rejects(() -> k.cpReconstruct(new Tensor[] {t.random(5, 3, 2), t.random(6, 3, 2), t.random(7, 4, 2)}, t.zeros(x.shape())),
                        "factor 0", "3×2", "2×3×4");
                try (Coordinates at = Coordinates.of(x.shape(), new int[] {0, 0, 0})) {
                    Tensor core = t.random(10, 2, 2, 2);
                    rejects(() -> k.tuckerEvaluate(core, new Tensor[] {t.random(11, 2, 2), t.random(12, 3, 3), t.random(13, 4, 2)}, at,
                            t.zeros(Shape.of(1))), "factor 1", "3×3", "3×2");
                    rejects(() -> k.ttEvaluate(new Tensor[] {t.random(14, 1, 2, 2), t.random(15, 2, 3, 2), t.random(16, 2, 4, 2)}, at,
                            t.zeros(Shape.of(1))), "core 2", "2×4×2");
                }
                rejects(() -> k.cpReconstruct(new Tensor[] {t.random(5, 2, 2), t.random(6, 3, 3), t.random(7, 4, 2)}, t.zeros(x.shape())),
                        "2×2", "3×3");
                rejects(() -> k.unfold(x, 0, t.zeros(Shape.of(3, 8))), "3×8", "2×12");
                rejects(() -> k.mttkrp(x, new Tensor[] {null, t.random(8, 3, 2), t.random(9, 4, 2)}, 0, t.zeros(Shape.of(2, 3))),
                        "columns");
                rejects(() -> k.mttkrp(x, new Tensor[] {t.random(8, 2, 2), null, t.random(9, 4, 2)}, 0, t.zeros(Shape.of(2, 2))),
                        "factor 1 is missing");
                try (Coordinates at = Coordinates.of(Shape.of(2, 3, 5), new int[] {0, 0, 0})) {
                    rejects(() -> k.gather(x, at, t.zeros(Shape.of(1))), "2×3×5", "2×3×4");
                }
                try (Coordinates at = Coordinates.of(x.shape(), new int[] {0, 0, 0, 1, 1, 1})) {
                    rejects(() -> k.gather(x, at, t.zeros(Shape.of(3))), "2 values", "3");
                }
            }
        }
    }

    @Test
    void outputsThatShareMemoryWithAnInputAreRejected() {
        for (AllKernels k : KernelsUnderTest.all()) {
            try (Tensors t = new Tensors()) {
                Tensor a = t.random(1, 4, 4);
                rejects(() -> k.gemm(1, a, false, t.random(2, 4, 4), false, 0, a), "shares memory");
                Tensor x = t.random(3, 4, 4);
                rejects(() -> k.modeProduct(x, 0, t.random(4, 4, 4), x.reshape(4, 4)), "shares memory");
                rejects(() -> k.gram(a, a), "shares memory");
                Tensor b = t.random(5, 4, 4);
                rejects(() -> k.gemm(1, t.random(6, 4, 4), false, b, false, 0, b), "shares memory");
                Tensor u = t.random(7, 4, 4);
                rejects(() -> k.modeProduct(x, 1, u, u.reshape(4, 4)), "shares memory");
            }
        }
    }

    @Test
    void emptyTensorsWithHugeModesReturnAtOnce() {
        // 2^31−1 × 2^31−1 × 1 × 0: no elements, but left = 2^62 slices; looping over them would never end.
        for (AllKernels k : KernelsUnderTest.all()) {
            try (Tensors t = new Tensors()) {
                int huge = Integer.MAX_VALUE;
                Tensor x = t.zeros(Shape.of(huge, huge, 1, 0));
                Tensor out = t.zeros(Shape.of(huge, huge, 3, 0));
                k.modeProduct(x, 2, t.random(1, 3, 1), out);
                assertTrue(out.size() == 0);
            }
        }
    }

    @Test
    void zeroSizeModesGiveEmptyOrZeroResults() {
        for (AllKernels k : KernelsUnderTest.all()) {
            try (Tensors t = new Tensors()) {
                Tensor x = t.zeros(Shape.of(3, 0, 2));
                Tensor u = t.zeros(Shape.of(4, 0));
                Tensor out = t.random(5, 3, 4, 2);
                // Contracting an empty mode sums no terms: every element is 0.
                k.modeProduct(x, 1, u, out);
                for (long i = 0; i < out.size(); i++) {
                    assertTrue(out.getFlat(i) == 0.0, k.name() + ": element " + i + " should be 0");
                }
                Tensor c = t.random(6, 2, 2);
                k.gemm(1, t.zeros(Shape.of(2, 0)), false, t.zeros(Shape.of(0, 2)), false, 0, c);
                for (long i = 0; i < c.size(); i++) {
                    assertTrue(c.getFlat(i) == 0.0, k.name() + ": gemm with inner size 0 should give 0");
                }
            }
        }
    }

    @Test
    void orderOneMttkrpAndCpScatterTakeTheRankFromTheOutput() {
        // With one mode there is no other factor: the Khatri-Rao product of none is a row of ones,
        // so MTTKRP copies x into every column, and the CP scatter sums the weights per index.
        for (AllKernels k : KernelsUnderTest.all()) {
            try (Tensors t = new Tensors()) {
                Tensor x = t.random(1, 3);
                Tensor out = t.zeros(Shape.of(3, 5));
                k.mttkrp(x, new Tensor[] {null}, 0, out);
                for (int i = 0; i < 3; i++) {
                    for (int r = 0; r < 5; r++) {
                        assertTrue(out.get(i, r) == x.get(i), k.name() + ": MTTKRP of order 1 at " + i + ", " + r);
                    }
                }
                try (Coordinates at = Coordinates.of(Shape.of(3), new int[] {2, 0, 2})) {
                    Tensor weights = t.random(2, 3);
                    k.cpScatter(new Tensor[] {null}, 0, at, weights, out);
                    double expected = weights.getFlat(0) + weights.getFlat(2);
                    assertTrue(Math.abs(out.get(2, 4) - expected) <= 1e-15 * (1 + Math.abs(expected)), k.name() + ": scatter sums per index");
                    assertTrue(out.get(1, 0) == 0.0, k.name() + ": an index without entries gets 0");
                }
            }
        }
    }
}
