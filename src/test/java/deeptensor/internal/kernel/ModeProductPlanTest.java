package deeptensor.internal.kernel;

import deeptensor.kernel.TensorOps;
import deeptensor.internal.kernel.ShapeChecks;
import static deeptensor.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.generators.SourceDSL.longs;

import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.testing.Properties;
import deeptensor.testing.Shapes;
import deeptensor.testing.Tensors;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link ModeProductPlan} and {@link ModeOrder}'s limits: a planned multi-mode product against one
 * reference mode product per mode (any subset of modes, empty modes and empty intermediates included,
 * run twice on new values), its workspace size against its documented definition, and every refused
 * argument with its message.
 */
class ModeProductPlanTest {

    private static final AllKernels SCALAR = AllKernels.scalar();

    static <T extends Throwable> void assertMessage(Class<T> type, String message, Executable call) {
        T thrown = assertThrows(type, call);
        assertEquals(message, thrown.getMessage());
    }

    private static void fill(Tensor t, SplittableRandom random) {
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, random.nextDouble(-1, 1));
        }
    }

    /** The plan's result equals the mode products applied one at a time in mode order with the reference kernels. */
    @Test
    void aPlanComputesTheProductOfItsModes() {
        Properties.qt(300).forAll(Shapes.shapes(1, 5, 4, 300), longs().all()).checkAssert((dims, seed) -> {
            SplittableRandom random = new SplittableRandom(seed);
            int[] xDims = dims.clone();
            for (int n = 0; n < xDims.length; n++) {
                xDims[n] = random.nextInt(6) == 0 ? 0 : xDims[n]; // empty modes, sometimes
            }
            try (Tensors t = new Tensors()) {
                Tensor x = t.zeros(Shape.of(xDims));
                Tensor[] matrices = new Tensor[xDims.length];
                Shape target = x.shape();
                for (int n = 0; n < xDims.length; n++) {
                    if (random.nextInt(3) > 0) {
                        int rows = random.nextInt(8) == 0 ? 0 : random.nextInt(1, 5);
                        matrices[n] = t.zeros(Shape.of(rows, xDims[n]));
                        target = target.withDim(n, rows);
                    }
                }
                long size = ModeProductPlan.workspaceSize(x.shape(), matrices);
                Tensor workspace = size > 1 || random.nextBoolean() ? t.zeros(Shape.of((int) size)) : null;
                ModeProductPlan plan = ModeProductPlan.of(x, matrices, workspace);
                assertEquals(target, plan.outputShape());
                Tensor out = t.zeros(target);
                String what = x.shape() + " with " + ShapeChecks.shapes(matrices);
                for (int round = 0; round < 2; round++) {
                    fill(x, random);
                    for (Tensor m : matrices) {
                        if (m != null) {
                            fill(m, random);
                        }
                    }
                    out.fill(Double.NaN);
                    if (random.nextBoolean()) {
                        plan.run(out);
                    } else {
                        plan.run(SCALAR, out);
                    }
                    Tensor expected = x, magnitude = t.abs(x);
                    for (int n = 0; n < matrices.length; n++) {
                        if (matrices[n] != null) {
                            Tensor next = t.zeros(expected.shape().withDim(n, matrices[n].rows()));
                            Tensor nextMagnitude = t.zeros(next.shape());
                            SCALAR.modeProduct(expected, n, matrices[n], next);
                            SCALAR.modeProduct(magnitude, n, t.abs(matrices[n]), nextMagnitude);
                            expected = next;
                            magnitude = nextMagnitude;
                        }
                    }
                    assertClose(expected, out, magnitude, what + ", round " + round);
                }
            }
        });
    }

    /** "Two halves of the largest intermediate; at least 1", the intermediates being those of the cheapest order. */
    @Test
    void theWorkspaceHoldsTwoOfTheLargestIntermediate() {
        Properties.qt(300).forAll(Shapes.shapes(1, 6, 6, 5000), longs().all()).checkAssert((dims, seed) -> {
            SplittableRandom random = new SplittableRandom(seed);
            Tensor[] matrices = new Tensor[dims.length];
            try (Tensors t = new Tensors()) {
                for (int n = 0; n < dims.length; n++) {
                    if (random.nextInt(4) > 0) {
                        matrices[n] = t.zeros(Shape.of(random.nextInt(0, 12), dims[n]));
                    }
                }
                Shape shape = Shape.of(dims);
                int[] order = ModeOrder.cheapest(shape, matrices);
                long largest = 0;
                int[] current = dims.clone();
                for (int step = 0; step < order.length - 1; step++) { // the last product writes the output, not the workspace
                    current[order[step]] = matrices[order[step]].rows();
                    largest = Math.max(largest, Shapes.product(current));
                }
                assertEquals(Math.max(1, 2 * largest), ModeProductPlan.workspaceSize(shape, matrices),
                        shape + " with " + ShapeChecks.shapes(matrices) + ", order " + Arrays.toString(order));
                assertEquals(Math.max(1, 2 * largest), TensorOps.multiModeWorkspace(shape, matrices));
            }
        });
    }

    /** No matrix: the product is the input itself (copied); only empty intermediates: zero, with no workspace. */
    @Test
    void noProductCopiesAndEmptyIntermediatesGiveZero() {
        try (Tensors t = new Tensors()) {
            Tensor x = t.random(1, 2, 3);
            Tensor out = t.zeros(Shape.of(2, 3));
            ModeProductPlan.of(x, new Tensor[2], null).run(out);
            deeptensor.testing.Close.assertIdentical(x, out, "no matrix");

            // x is 0×3; U1 (4×3) first keeps the intermediate 0×4 empty, then U0 (5×0) makes 5×4 zeros.
            Tensor empty = t.zeros(Shape.of(0, 3));
            Tensor[] matrices = {t.zeros(Shape.of(5, 0)), t.random(2, 4, 3)};
            assertEquals(1, ModeProductPlan.workspaceSize(empty.shape(), matrices));
            Tensor zeros = t.zeros(Shape.of(5, 4));
            zeros.fill(7);
            ModeProductPlan.of(empty, matrices, null).run(zeros);
            for (long i = 0; i < zeros.size(); i++) {
                assertEquals(0.0, zeros.getFlat(i), "an empty sum is zero");
            }
        }
    }

    @Test
    void badPlansAreRefusedWithTheirShapes() {
        try (Tensors t = new Tensors()) {
            Tensor x = t.random(1, 2, 3, 4);
            Tensor u0 = t.random(2, 5, 2), u1 = t.random(3, 6, 3);
            Tensor[] m = {u0, u1, null};
            long needed = ModeProductPlan.workspaceSize(x.shape(), m);
            // U1 first (2·6·24 + 2·5·48 = 768 flops, against 2·5·24 + 2·6·60 = 960): the intermediate is 2×6×4
            assertEquals(2 * 2 * 6 * 4, needed);
            Tensor workspace = t.zeros(Shape.of((int) needed));
            assertMessage(IllegalArgumentException.class, "multi-mode product: 2 matrices for a tensor of shape 2×3×4 (pass null for modes to leave alone)",
                    () -> ModeProductPlan.of(x, new Tensor[] {u0, u1}, workspace));
            assertMessage(IllegalArgumentException.class, "multi-mode product matrix 1 must be a matrix, but has shape 6×3×1",
                    () -> ModeProductPlan.of(x, new Tensor[] {u0, t.random(4, 6, 3, 1), null}, workspace));
            assertMessage(IllegalArgumentException.class, "multi-mode product: matrix 1 of shape 6×4 needs 3 columns for mode 1 of shape 2×3×4",
                    () -> ModeProductPlan.of(x, new Tensor[] {u0, t.random(5, 6, 4), null}, workspace));
            assertMessage(IllegalArgumentException.class, "multi-mode product: workspace missing; 96 are needed for input 2×3×4 and output 5×6×4",
                    () -> ModeProductPlan.of(x, m, null));
            assertMessage(IllegalArgumentException.class,
                    "multi-mode product: workspace of shape 95 holds 95 elements; 96 are needed for input 2×3×4 and output 5×6×4",
                    () -> ModeProductPlan.of(x, m, t.zeros(Shape.of(95))));
            Tensor shared = t.zeros(Shape.of(200));
            Tensor xInWorkspace = shared.view(120, 2, 3, 4);
            assertMessage(IllegalArgumentException.class, "multi-mode product workspace: the output of shape 200 shares memory with an input of "
                    + "shape 2×3×4; pass a separate output", () -> ModeProductPlan.of(xInWorkspace, m, shared));
            Tensor matrixInWorkspace = shared.view(150, 6, 3);
            assertMessage(IllegalArgumentException.class, "multi-mode product workspace: the output of shape 200 shares memory with an input of "
                    + "shape 6×3; pass a separate output", () -> ModeProductPlan.of(x, new Tensor[] {u0, matrixInWorkspace, null}, shared));

            ModeProductPlan plan = ModeProductPlan.of(x, m, workspace);
            assertEquals(Shape.of(5, 6, 4), plan.outputShape());
            assertMessage(IllegalArgumentException.class, "multi-mode product output has shape 5×6×3; shape 5×6×4 was expected",
                    () -> plan.run(t.zeros(Shape.of(5, 6, 3))));
            Tensor big = t.zeros(Shape.of(300));
            ModeProductPlan inBig = ModeProductPlan.of(big.view(0, 2, 3, 4), new Tensor[] {big.view(24, 5, 2), u1, null}, workspace);
            assertMessage(IllegalArgumentException.class, "multi-mode product: the output of shape 5×6×4 shares memory with an input of shape 2×3×4; "
                    + "pass a separate output", () -> inBig.run(big.view(20, 5, 6, 4)));
            assertMessage(IllegalArgumentException.class, "multi-mode product: the output of shape 5×6×4 shares memory with an input of shape 5×2; "
                    + "pass a separate output", () -> inBig.run(big.view(30, 5, 6, 4)));
            Tensor roomy = t.zeros(Shape.of(300));
            ModeProductPlan roomyPlan = ModeProductPlan.of(x, m, roomy);
            assertMessage(IllegalArgumentException.class, "multi-mode product workspace: the output of shape 5×6×4 shares memory with an input of "
                    + "shape 300; pass a separate output", () -> roomyPlan.run(roomy.view(150, 5, 6, 4)));
        }
    }

    @Test
    void atMostTwentyModeProductsAreOrdered() {
        try (Tensors t = new Tensors()) {
            Tensor[] twenty = new Tensor[20], twentyOne = new Tensor[21];
            for (int n = 0; n < 21; n++) {
                Tensor m = t.zeros(Shape.of(1, 1));
                twentyOne[n] = m;
                if (n < 20) {
                    twenty[n] = m;
                }
            }
            int[] ones = new int[21];
            Arrays.fill(ones, 1);
            int[] order = ModeOrder.cheapest(Shape.of(Arrays.copyOf(ones, 20)), twenty);
            int[] sorted = order.clone();
            Arrays.sort(sorted);
            int[] all = new int[20];
            Arrays.setAll(all, n -> n);
            assertArrayEquals(all, sorted, "every mode once");
            assertMessage(IllegalArgumentException.class, "cannot order 21 mode products (at most 20)",
                    () -> ModeOrder.cheapest(Shape.of(ones), twentyOne));
        }
    }
}
