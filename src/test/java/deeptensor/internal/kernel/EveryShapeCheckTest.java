package deeptensor.internal.kernel;

import deeptensor.internal.kernel.ShapeChecks;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * One bad argument at a time, for every check in {@link ShapeChecks}: each call must be refused with
 * an {@link IllegalArgumentException} (not run on, not fail later with another exception), by every
 * implementation. Written to kill the mutants that removed single checks (docs/testing.md); the
 * inputs are otherwise valid, so each case fails only if its own check is gone.
 */
class EveryShapeCheckTest {

    private static void refused(Kernels k, String what, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, k.name() + ": " + what);
        assertTrue(!e.getMessage().isBlank(), k.name() + ": " + what + " has no message");
    }

    @Test
    void gemmChecks() {
        for (AllKernels k : KernelsUnderTest.all()) {
            try (Tensors t = new Tensors()) {
                Tensor a = t.random(1, 2, 3), b = t.random(2, 3, 4);
                refused(k, "A not a matrix", () -> k.gemm(1, t.random(3, 2, 3, 1), false, b, false, 0, t.zeros(Shape.of(2, 4))));
                refused(k, "B not a matrix", () -> k.gemm(1, a, false, t.random(4, 3, 4, 1), false, 0, t.zeros(Shape.of(2, 4))));
                refused(k, "C not a matrix", () -> k.gemm(1, a, false, b, false, 0, t.zeros(Shape.of(2, 4, 1))));
                refused(k, "C rows", () -> k.gemm(1, a, false, b, false, 0, t.zeros(Shape.of(3, 4))));
                refused(k, "C cols", () -> k.gemm(1, a, false, b, false, 0, t.zeros(Shape.of(2, 5))));
                refused(k, "inner", () -> k.gemm(1, a, true, b, false, 0, t.zeros(Shape.of(3, 4))));
                refused(k, "inner, B transposed", () -> k.gemm(1, a, false, b, true, 0, t.zeros(Shape.of(2, 3))));
            }
        }
    }

    @Test
    void modeProductChecks() {
        for (AllKernels k : KernelsUnderTest.all()) {
            try (Tensors t = new Tensors()) {
                Tensor x = t.random(1, 2, 3, 4), u = t.random(2, 5, 3);
                refused(k, "U not a matrix", () -> k.modeProduct(x, 1, t.random(3, 5, 3, 1), t.zeros(Shape.of(2, 5, 4))));
                refused(k, "negative mode", () -> k.modeProduct(x, -1, u, t.zeros(Shape.of(2, 5, 4))));
                refused(k, "output order", () -> k.modeProduct(x, 1, u, t.zeros(Shape.of(2, 5))));
                refused(k, "output at the mode", () -> k.modeProduct(x, 1, u, t.zeros(Shape.of(2, 3, 4))));
                refused(k, "output at another mode", () -> k.modeProduct(x, 1, u, t.zeros(Shape.of(2, 5, 5))));
                refused(k, "output aliases X", () -> k.modeProduct(x, 1, t.random(4, 3, 3), x));
            }
        }
    }

    @Test
    void cpChecks() {
        for (AllKernels k : KernelsUnderTest.all()) {
            try (Tensors t = new Tensors()) {
                Tensor[] f = {t.random(1, 2, 3), t.random(2, 3, 3), t.random(3, 4, 3)};
                Tensor x = t.random(4, 2, 3, 4);
                refused(k, "Khatri-Rao of nothing", () -> k.khatriRao(new Tensor[0], t.zeros(Shape.of(1, 3))));
                refused(k, "Khatri-Rao null", () -> k.khatriRao(new Tensor[] {f[0], null}, t.zeros(Shape.of(6, 3))));
                refused(k, "Khatri-Rao non-matrix", () -> k.khatriRao(new Tensor[] {f[0], t.random(5, 3, 3, 1)}, t.zeros(Shape.of(6, 3))));
                refused(k, "Khatri-Rao columns", () -> k.khatriRao(new Tensor[] {f[0], t.random(6, 3, 2)}, t.zeros(Shape.of(6, 3))));
                refused(k, "Khatri-Rao output not a matrix", () -> k.khatriRao(new Tensor[] {f[0], f[1]}, t.zeros(Shape.of(6, 3, 1))));
                refused(k, "Khatri-Rao output rows", () -> k.khatriRao(new Tensor[] {f[0], f[1]}, t.zeros(Shape.of(7, 3))));
                refused(k, "Khatri-Rao output cols", () -> k.khatriRao(new Tensor[] {f[0], f[1]}, t.zeros(Shape.of(6, 2))));
                Tensor big = t.random(7, 36);
                refused(k, "Khatri-Rao output aliases", () -> k.khatriRao(new Tensor[] {big.view(0, 6, 3), f[0]}, big.view(0, 12, 3)));
                refused(k, "Khatri-Rao columns after a rank-0 factor",
                        () -> k.khatriRao(new Tensor[] {t.zeros(Shape.of(2, 0)), f[1]}, t.zeros(Shape.of(6, 3))));
                refused(k, "CP factor count", () -> k.cpReconstruct(new Tensor[] {f[0], f[1]}, t.zeros(Shape.of(2, 3, 4))));
                refused(k, "CP factor rows", () -> k.cpReconstruct(f, t.zeros(Shape.of(2, 3, 5))));
                Tensor big2 = t.random(8, 24);
                refused(k, "CP output aliases a factor", () -> k.cpReconstruct(new Tensor[] {f[0], f[1], big2.view(0, 4, 3)}, big2.view(0, 2, 3, 4)));
                refused(k, "MTTKRP output of rank 0 for factors of rank 3", () -> k.mttkrp(x, f, 0, t.zeros(Shape.of(2, 0))));
                refused(k, "MTTKRP mode", () -> k.mttkrp(x, f, 3, t.zeros(Shape.of(4, 3))));
                refused(k, "MTTKRP output not a matrix", () -> k.mttkrp(x, f, 0, t.zeros(Shape.of(2, 3, 1))));
                refused(k, "MTTKRP output rank", () -> k.mttkrp(x, f, 0, t.zeros(Shape.of(2, 2))));
                refused(k, "MTTKRP output rows", () -> k.mttkrp(x, f, 0, t.zeros(Shape.of(3, 3))));
                refused(k, "MTTKRP output aliases X", () -> k.mttkrp(x, f, 0, x.reshape(2, 12).slice(0, 2).reshape(2, 12).view(0, 2, 3)));
                refused(k, "MTTKRP output aliases a factor", () -> k.mttkrp(t.random(8, 2, 3, 4), new Tensor[] {f[0], f[1], t.random(9, 4, 2)}, 1,
                        f[1].reshape(3, 3).view(0, 3, 2)));
                Tensor[] outs = {t.zeros(Shape.of(2, 3)), t.zeros(Shape.of(3, 3)), t.zeros(Shape.of(4, 3))};
                refused(k, "MTTKRP in every mode, an output short",
                        () -> k.mttkrpEveryMode(x, f, new Tensor[] {outs[0], outs[1]}));
                refused(k, "MTTKRP in every mode, a factor short", () -> k.mttkrpEveryMode(x, new Tensor[] {f[0], f[1]}, outs));
                refused(k, "MTTKRP in every mode, a null factor", () -> k.mttkrpEveryMode(x, new Tensor[] {f[0], null, f[2]}, outs));
                refused(k, "MTTKRP in every mode, a null output", () -> k.mttkrpEveryMode(x, f, new Tensor[] {outs[0], null, outs[2]}));
                refused(k, "MTTKRP in every mode, an output's rows",
                        () -> k.mttkrpEveryMode(x, f, new Tensor[] {outs[0], outs[0], outs[2]}));
                Tensor shared = t.zeros(Shape.of(3, 3));
                refused(k, "MTTKRP in every mode, two outputs overlap",
                        () -> k.mttkrpEveryMode(t.random(13, 3, 3, 4), new Tensor[] {f[1], f[1], f[2]}, new Tensor[] {shared, shared, outs[2]}));
                refused(k, "MTTKRP in every mode, an output aliases X",
                        () -> k.mttkrpEveryMode(x, f, new Tensor[] {x.reshape(24).view(0, 2, 3), outs[1], outs[2]}));
                refused(k, "contraction mode", () -> k.contractAllButMode(x, x, 3, t.zeros(Shape.of(4, 4))));
                refused(k, "contraction orders", () -> k.contractAllButMode(x, t.random(14, 2, 3), 0, t.zeros(Shape.of(2, 2))));
                refused(k, "contraction other modes", () -> k.contractAllButMode(x, t.random(15, 2, 2, 4), 0, t.zeros(Shape.of(2, 2))));
                refused(k, "contraction output", () -> k.contractAllButMode(x, x, 1, t.zeros(Shape.of(3, 2))));
                refused(k, "contraction output aliases an input",
                        () -> k.contractAllButMode(x, x, 0, x.reshape(24).view(0, 2, 2)));
                refused(k, "Gram input", () -> k.gram(t.random(10, 2, 3, 1), t.zeros(Shape.of(3, 3))));
                refused(k, "Gram output", () -> k.gram(f[0], t.zeros(Shape.of(3, 2))));
                refused(k, "Gram output aliases", () -> k.gram(f[1], f[1]));
                try (Coordinates at = Coordinates.of(x.shape(), new int[] {0, 0, 0, 1, 2, 3})) {
                    Tensor values = t.zeros(Shape.of(2)), weights = t.random(11, 2);
                    refused(k, "CP evaluation factors", () -> k.cpEvaluate(new Tensor[] {f[0], f[1], t.random(12, 5, 3)}, at, values));
                    refused(k, "CP evaluation values", () -> k.cpEvaluate(f, at, t.zeros(Shape.of(3))));
                    refused(k, "CP evaluation values not a vector", () -> k.cpEvaluate(f, at, t.zeros(Shape.of(2, 1))));
                    refused(k, "CP evaluation values alias", () -> k.cpEvaluate(f, at, f[0].reshape(6).view(0, 2)));
                    refused(k, "CP scatter mode", () -> k.cpScatter(f, 3, at, weights, t.zeros(Shape.of(4, 3))));
                    refused(k, "CP scatter negative mode", () -> k.cpScatter(f, -1, at, weights, t.zeros(Shape.of(2, 3))));
                    refused(k, "CP scatter output not a matrix", () -> k.cpScatter(f, 0, at, weights, t.zeros(Shape.of(2, 3, 1))));
                    refused(k, "CP scatter output rank", () -> k.cpScatter(f, 0, at, weights, t.zeros(Shape.of(2, 2))));
                    refused(k, "CP scatter output rows", () -> k.cpScatter(f, 0, at, weights, t.zeros(Shape.of(3, 3))));
                    refused(k, "CP scatter weights", () -> k.cpScatter(f, 0, at, t.random(13, 3), t.zeros(Shape.of(2, 3))));
                    refused(k, "CP scatter output aliases a factor", () -> k.cpScatter(f, 0, at, weights, f[1].reshape(9).view(0, 2, 3)));
                    Tensor w6 = t.random(14, 6);
                    refused(k, "CP scatter output aliases the weights",
                            () -> k.cpScatter(f, 0, at, w6.view(0, 2), w6.view(0, 2, 3)));
                }
            }
        }
    }

    /** Rank 0 is valid: the checks must not refuse it (an empty sum is 0). */
    @Test
    void rankZeroIsAccepted() {
        for (AllKernels k : KernelsUnderTest.all()) {
            try (Tensors t = new Tensors()) {
                Tensor out = t.random(1, 2, 3).fill(Double.NaN);
                k.cpReconstruct(new Tensor[] {t.zeros(Shape.of(2, 0)), t.zeros(Shape.of(3, 0))}, out);
                for (long i = 0; i < out.size(); i++) {
                    assertTrue(out.getFlat(i) == 0.0, k.name() + ": rank-0 CP reconstruction is 0");
                }
                Tensor kr = t.zeros(Shape.of(6, 0));
                k.khatriRao(new Tensor[] {t.zeros(Shape.of(2, 0)), t.zeros(Shape.of(3, 0))}, kr);
            }
        }
    }

    @Test
    void unfoldFoldGatherScatterChecks() {
        for (AllKernels k : KernelsUnderTest.all()) {
            try (Tensors t = new Tensors()) {
                Tensor x = t.random(1, 2, 3, 4);
                refused(k, "unfold mode", () -> k.unfold(x, 3, t.zeros(Shape.of(2, 12))));
                refused(k, "unfold output rows", () -> k.unfold(x, 0, t.zeros(Shape.of(3, 8))));
                refused(k, "unfold output cols", () -> k.unfold(x, 0, t.zeros(Shape.of(2, 11))));
                refused(k, "unfold output order", () -> k.unfold(x, 0, t.zeros(Shape.of(2, 12, 1))));
                refused(k, "unfold output aliases", () -> k.unfold(x, 0, x.reshape(2, 12)));
                refused(k, "fold mode", () -> k.fold(t.random(2, 2, 12), -1, t.zeros(Shape.of(2, 3, 4))));
                refused(k, "fold matrix cols", () -> k.fold(t.random(3, 2, 11), 0, t.zeros(Shape.of(2, 3, 4))));
                refused(k, "fold matrix rows", () -> k.fold(t.random(4, 3, 8), 0, t.zeros(Shape.of(2, 3, 4))));
                Tensor matrix = t.random(5, 2, 12);
                refused(k, "fold output aliases", () -> k.fold(matrix, 0, matrix.reshape(2, 3, 4)));
                try (Coordinates at = Coordinates.of(x.shape(), new int[] {0, 0, 0, 1, 2, 3})) {
                    refused(k, "gather values", () -> k.gather(x, at, t.zeros(Shape.of(3))));
                    refused(k, "gather values alias", () -> k.gather(x, at, x.reshape(24).view(0, 2)));
                    refused(k, "scatter shape", () -> k.scatter(at, t.random(6, 2), t.zeros(Shape.of(2, 3, 5))));
                    refused(k, "scatter weights", () -> k.scatter(at, t.random(7, 3), t.zeros(Shape.of(2, 3, 4))));
                    Tensor out = t.zeros(Shape.of(2, 3, 4));
                    refused(k, "scatter output aliases", () -> k.scatter(at, out.reshape(24).view(0, 2), out));
                }
            }
        }
    }

    @Test
    void tuckerAndTrainChecks() {
        for (AllKernels k : KernelsUnderTest.all()) {
            try (Tensors t = new Tensors()) {
                Tensor core = t.random(1, 2, 2, 2);
                Tensor[] u = {t.random(2, 2, 2), t.random(3, 3, 2), t.random(4, 4, 2)};
                try (Coordinates at = Coordinates.of(Shape.of(2, 3, 4), new int[] {0, 0, 0, 1, 2, 3})) {
                    Tensor values = t.zeros(Shape.of(2)), weights = t.random(5, 2);
                    refused(k, "Tucker factor count", () -> k.tuckerEvaluate(core, new Tensor[] {u[0], u[1]}, at, values));
                    refused(k, "Tucker core order", () -> k.tuckerEvaluate(t.random(6, 2, 2), u, at, values));
                    refused(k, "Tucker core and factors of order 2 for order-3 coordinates",
                            () -> k.tuckerEvaluate(t.random(23, 2, 2), new Tensor[] {u[0], u[1]}, at, values));
                    refused(k, "Tucker null factor", () -> k.tuckerEvaluate(core, new Tensor[] {u[0], null, u[2]}, at, values));
                    refused(k, "Tucker factor not a matrix", () -> k.tuckerEvaluate(core, new Tensor[] {u[0], t.random(7, 3, 2, 1), u[2]}, at, values));
                    refused(k, "Tucker factor rows", () -> k.tuckerEvaluate(core, new Tensor[] {u[0], t.random(8, 4, 2), u[2]}, at, values));
                    refused(k, "Tucker factor cols", () -> k.tuckerEvaluate(core, new Tensor[] {u[0], t.random(9, 3, 3), u[2]}, at, values));
                    refused(k, "Tucker values", () -> k.tuckerEvaluate(core, u, at, t.zeros(Shape.of(3))));
                    refused(k, "Tucker values alias the core", () -> k.tuckerEvaluate(core, u, at, core.reshape(8).view(0, 2)));
                    refused(k, "Tucker values alias a factor", () -> k.tuckerEvaluate(core, u, at, u[1].reshape(6).view(0, 2)));
                    refused(k, "Tucker core scatter output", () -> k.tuckerScatterCore(u, at, weights, t.zeros(Shape.of(2, 2, 3))));
                    refused(k, "Tucker core scatter weights", () -> k.tuckerScatterCore(u, at, t.random(10, 3), t.zeros(Shape.of(2, 2, 2))));
                    refused(k, "Tucker core scatter aliases a factor", () -> k.tuckerScatterCore(u, at, weights, u[2].reshape(2, 2, 2)));
                    Tensor w10 = t.random(11, 10);
                    refused(k, "Tucker core scatter aliases the weights", () -> k.tuckerScatterCore(u, at, w10.view(0, 2), w10.view(1, 2, 2, 2)));
                    refused(k, "Tucker factor scatter mode", () -> k.tuckerScatterFactor(core, u, 3, at, weights, t.zeros(Shape.of(2, 2))));
                    refused(k, "Tucker factor scatter weights", () -> k.tuckerScatterFactor(core, u, 0, at, t.random(12, 3), t.zeros(Shape.of(2, 2))));
                    refused(k, "Tucker factor scatter output", () -> k.tuckerScatterFactor(core, u, 0, at, weights, t.zeros(Shape.of(2, 3))));
                    refused(k, "Tucker factor scatter aliases a factor", () -> k.tuckerScatterFactor(core, u, 0, at, weights, u[2].reshape(8).view(0, 2, 2)));
                    refused(k, "Tucker factor scatter aliases the core", () -> k.tuckerScatterFactor(core, u, 0, at, weights, core.reshape(8).view(0, 2, 2)));

                    Tensor[] g = {t.random(13, 1, 2, 2), t.random(14, 2, 3, 2), t.random(15, 2, 4, 1)};
                    refused(k, "TT core count", () -> k.ttEvaluate(new Tensor[] {g[0], g[1]}, at, values));
                    refused(k, "TT core count, a complete shorter train",
                            () -> k.ttEvaluate(new Tensor[] {g[0], t.random(22, 2, 3, 1)}, at, values));
                    refused(k, "TT core order", () -> k.ttEvaluate(new Tensor[] {g[0], t.random(16, 2, 3), g[2]}, at, values));
                    refused(k, "TT left rank", () -> k.ttEvaluate(new Tensor[] {g[0], t.random(17, 3, 3, 2), g[2]}, at, values));
                    refused(k, "TT mode size", () -> k.ttEvaluate(new Tensor[] {g[0], t.random(18, 2, 4, 2), g[2]}, at, values));
                    refused(k, "TT last rank", () -> k.ttEvaluate(new Tensor[] {g[0], g[1], t.random(19, 2, 4, 2)}, at, values));
                    refused(k, "TT values", () -> k.ttEvaluate(g, at, t.zeros(Shape.of(3))));
                    refused(k, "TT values alias a core", () -> k.ttEvaluate(g, at, g[1].reshape(12).view(0, 2)));
                    refused(k, "TT scatter cores", () -> k.ttScatterCore(new Tensor[] {g[0], g[1]}, 0, at, weights, t.zeros(Shape.of(1, 2, 2))));
                    refused(k, "TT scatter core index", () -> k.ttScatterCore(g, 3, at, weights, t.zeros(Shape.of(1, 2, 2))));
                    refused(k, "TT scatter negative core index", () -> k.ttScatterCore(g, -1, at, weights, t.zeros(Shape.of(1, 2, 2))));
                    refused(k, "TT scatter weights", () -> k.ttScatterCore(g, 0, at, t.random(20, 3), t.zeros(Shape.of(1, 2, 2))));
                    refused(k, "TT scatter output", () -> k.ttScatterCore(g, 0, at, weights, t.zeros(Shape.of(1, 2, 3))));
                    refused(k, "TT scatter aliases a core", () -> k.ttScatterCore(g, 0, at, weights, g[1].reshape(12).view(0, 1, 2, 2)));
                    Tensor w6 = t.random(21, 6);
                    refused(k, "TT scatter aliases the weights", () -> k.ttScatterCore(g, 0, at, w6.view(0, 2), w6.view(1, 1, 2, 2)));
                }
            }
        }
    }
}
