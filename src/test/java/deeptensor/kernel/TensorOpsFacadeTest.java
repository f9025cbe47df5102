package deeptensor.kernel;

import deeptensor.internal.kernel.ModeProductPlan;
import deeptensor.internal.kernel.AllKernels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.testing.Tensors;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every {@link TensorOps} method computes what the scalar reference computes (it delegates to the
 * kernels chosen at start-up): each output starts as NaN, so a call that did not happen, or did
 * not write everything, fails. Small fixed shapes; the kernels themselves are tested by the properties.
 */
class TensorOpsFacadeTest {

    private static final AllKernels SCALAR = AllKernels.scalar();

    /** Runs {@code facade} and {@code reference} on NaN-filled outputs of {@code shape} and compares. */
    private static void same(Tensors t, String what, Shape shape, Consumer<Tensor> facade, Consumer<Tensor> reference) {
        Tensor got = t.zeros(shape).fill(Double.NaN), expected = t.zeros(shape).fill(Double.NaN);
        facade.accept(got);
        reference.accept(expected);
        for (long i = 0; i < shape.size(); i++) {
            double e = expected.getFlat(i), g = got.getFlat(i);
            assertTrue(Double.isFinite(e), what + ": the reference left element " + i + " unset");
            assertTrue(Math.abs(g - e) <= 1e-12 * (1 + Math.abs(e)), what + ": element " + i + " is " + g + ", reference " + e);
        }
    }

    @Test
    void everyMethodAgreesWithTheScalarReference() {
        try (Tensors t = new Tensors()) {
            Tensor a = t.random(1, 3, 4), b = t.random(2, 4, 5), x = t.random(3, 2, 3, 4);
            Tensor[] f = {t.random(4, 2, 3), t.random(5, 3, 3), t.random(6, 4, 3)};
            Tensor[] u = {t.random(7, 3, 2), t.random(8, 2, 3), t.random(9, 5, 4)};
            Tensor core = t.random(10, 2, 3, 4);
            Tensor[] g = {t.random(11, 1, 2, 2), t.random(12, 2, 3, 3), t.random(13, 3, 4, 1)};
            same(t, "gemm", Shape.of(3, 5), c -> TensorOps.gemm(1.5, a, false, b, false, 0, c), c -> SCALAR.gemm(1.5, a, false, b, false, 0, c));
            same(t, "multiply", Shape.of(3, 5), c -> TensorOps.multiply(a, b, c), c -> SCALAR.gemm(1, a, false, b, false, 0, c));
            same(t, "modeProduct", Shape.of(2, 2, 4), o -> TensorOps.modeProduct(x, 1, u[1].reshape(2, 3), o),
                    o -> SCALAR.modeProduct(x, 1, u[1].reshape(2, 3), o));
            Tensor[] m = {u[0], null, u[2]};
            Tensor work = t.zeros(Shape.of((int) TensorOps.multiModeWorkspace(x.shape(), m)));
            same(t, "multiModeProduct", Shape.of(3, 3, 5), o -> TensorOps.multiModeProduct(x, m, o, work),
                    o -> ModeProductPlan.of(x, m, work).run(SCALAR, o));
            Tensor[] tf = {t.random(14, 3, 2), t.random(15, 2, 3), t.random(16, 5, 4)};
            Tensor work2 = t.zeros(Shape.of((int) TensorOps.multiModeWorkspace(core.shape(), tf)));
            same(t, "tuckerReconstruct", Shape.of(3, 2, 5), o -> TensorOps.tuckerReconstruct(core, tf, o, work2),
                    o -> ModeProductPlan.of(core, tf, work2).run(SCALAR, o));
            same(t, "cpReconstruct", x.shape(), o -> TensorOps.cpReconstruct(f, o), o -> SCALAR.cpReconstruct(f, o));
            same(t, "mttkrp", Shape.of(3, 3), o -> TensorOps.mttkrp(x, f, 1, o), o -> SCALAR.mttkrp(x, f, 1, o));
            same(t, "khatriRao", Shape.of(6, 3), o -> TensorOps.khatriRao(new Tensor[] {f[0], f[1]}, o),
                    o -> SCALAR.khatriRao(new Tensor[] {f[0], f[1]}, o));
            same(t, "gram", Shape.of(4, 4), o -> TensorOps.gram(a, o), o -> SCALAR.gram(a, o));
            same(t, "unfold", Shape.of(3, 8), o -> TensorOps.unfold(x, 1, o), o -> SCALAR.unfold(x, 1, o));
            Tensor unfolded = t.random(17, 3, 8);
            same(t, "fold", x.shape(), o -> TensorOps.fold(unfolded, 1, o), o -> SCALAR.fold(unfolded, 1, o));
            assertEquals(Shape.of(4, 6), TensorOps.unfoldedShape(x.shape(), 2));
            assertEquals(Shape.of(2, 12), TensorOps.unfoldedShape(x.shape(), 0));
            try (Coordinates at = Coordinates.of(x.shape(), new int[] {0, 0, 0, 1, 2, 3, 1, 0, 2})) {
                Tensor w = t.random(18, 3);
                same(t, "gather", Shape.of(3), v -> TensorOps.gather(x, at, v), v -> SCALAR.gather(x, at, v));
                same(t, "scatter", x.shape(), o -> TensorOps.scatter(at, w, o), o -> SCALAR.scatter(at, w, o));
                same(t, "cpEvaluate", Shape.of(3), v -> TensorOps.cpEvaluate(f, at, v), v -> SCALAR.cpEvaluate(f, at, v));
                Tensor c3 = t.random(19, 2, 2, 2);
                Tensor[] uf = {t.random(20, 2, 2), t.random(21, 3, 2), t.random(22, 4, 2)};
                same(t, "tuckerEvaluate", Shape.of(3), v -> TensorOps.tuckerEvaluate(c3, uf, at, v), v -> SCALAR.tuckerEvaluate(c3, uf, at, v));
                same(t, "ttEvaluate", Shape.of(3), v -> TensorOps.ttEvaluate(g, at, v), v -> SCALAR.ttEvaluate(g, at, v));
            }
        }
    }
}
