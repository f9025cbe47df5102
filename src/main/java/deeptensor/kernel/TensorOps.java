package deeptensor.kernel;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;

/**
 * The static facade over the kernels chosen by {@link KernelProvider}: one call per operation,
 * outputs passed in by the caller. See {@link Kernels} for the conventions and the contract
 * (shape checks, no aliasing, no off-heap allocation).
 */
public final class TensorOps {

    private TensorOps() {
    }

    private static Kernels k() {
        return KernelProvider.kernels();
    }

    /** {@code C = alpha · op(A) · op(B) + beta · C}. */
    public static void gemm(double alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB, double beta, Tensor c) {
        k().gemm(alpha, a, transposeA, b, transposeB, beta, c);
    }

    /** {@code C = A · B}. */
    public static void multiply(Tensor a, Tensor b, Tensor c) {
        k().gemm(1.0, a, false, b, false, 0.0, c);
    }

    /** {@code out = x ×_mode u}. */
    public static void modeProduct(Tensor x, int mode, Tensor u, Tensor out) {
        k().modeProduct(x, mode, u, out);
    }

    /**
     * {@code out = x ×_n matrices[n]} for every non-null {@code matrices[n]}, in the order of least
     * flops ({@link ModeOrder}). Intermediates go into {@code workspace}, which must hold at least
     * {@link #multiModeWorkspace(Shape, Tensor[])} elements (it may be null when no intermediate is
     * needed, as for a single product); no off-heap allocation on this path, only small index arrays.
     */
    public static void multiModeProduct(Tensor x, Tensor[] matrices, Tensor out, Tensor workspace) {
        multiModeProduct(k(), x, matrices, out, workspace);
    }

    /** As {@link #multiModeProduct(Tensor, Tensor[], Tensor, Tensor)} with the given kernels. */
    public static void multiModeProduct(Kernels kernels, Tensor x, Tensor[] matrices, Tensor out, Tensor workspace) {
        if (matrices.length != x.order()) {
            throw new IllegalArgumentException("multi-mode product: " + matrices.length + " matrices for a tensor of shape "
                    + x.shape() + " (pass null for modes to leave alone)");
        }
        Shape target = x.shape();
        for (int n = 0; n < matrices.length; n++) {
            if (matrices[n] != null) {
                ShapeChecks.matrix("multi-mode product matrix " + n, matrices[n]);
                if (matrices[n].cols() != x.dim(n)) {
                    throw new IllegalArgumentException("multi-mode product: matrix " + n + " of shape " + matrices[n].shape()
                            + " needs " + x.dim(n) + " columns for mode " + n + " of shape " + x.shape());
                }
                target = target.withDim(n, matrices[n].rows());
            }
        }
        ShapeChecks.sameShape("multi-mode product output", target, out);
        ShapeChecks.distinct("multi-mode product", out, x);
        ShapeChecks.distinct("multi-mode product", out, matrices);
        int[] order = ModeOrder.cheapest(x.shape(), matrices);
        if (order.length == 0) {
            out.copyFrom(x);
            return;
        }
        long needed = 2 * ModeOrder.largestIntermediate(x.shape(), matrices, order);
        if (needed == 0 && order.length > 1) {
            // Every intermediate is empty, so the result is a sum of no terms: zero.
            out.fill(0);
            return;
        }
        if (needed == 0) {
            workspace = null; // a single product: nothing to hold
        } else if (workspace == null || workspace.size() < needed) {
            throw new IllegalArgumentException("multi-mode product: workspace " + (workspace == null ? "missing"
                    : "of shape " + workspace.shape() + " holds " + workspace.size() + " elements") + "; " + needed
                    + " are needed for input " + x.shape() + " and output " + target);
        } else {
            ShapeChecks.distinct("multi-mode product workspace", workspace, x, out);
            ShapeChecks.distinct("multi-mode product workspace", workspace, matrices);
        }
        long half = needed / 2;
        Tensor current = x;
        for (int step = 0; step < order.length; step++) {
            int mode = order[step];
            Shape nextShape = current.shape().withDim(mode, matrices[mode].rows());
            // Intermediates alternate between the two halves of the workspace (long offsets: no int limit).
            Tensor next = step == order.length - 1
                    ? out
                    : workspace.view(step % 2 == 0 ? 0 : half, nextShape.dims());
            kernels.modeProduct(current, mode, matrices[mode], next);
            current = next;
        }
    }

    /** Elements of workspace that {@link #multiModeProduct} needs for these inputs. */
    public static long multiModeWorkspace(Shape x, Tensor[] matrices) {
        int[] order = ModeOrder.cheapest(x, matrices);
        return Math.max(1, 2 * ModeOrder.largestIntermediate(x, matrices, order));
    }

    /** Tucker reconstruction {@code out = core ×_1 U^1 ⋯ ×_N U^N}, cheapest mode order, intermediates in {@code workspace}. */
    public static void tuckerReconstruct(Tensor core, Tensor[] factors, Tensor out, Tensor workspace) {
        multiModeProduct(core, factors, out, workspace);
    }

    /** See {@link Kernels#cpReconstruct}. */
    public static void cpReconstruct(Tensor[] factors, Tensor out) {
        k().cpReconstruct(factors, out);
    }

    /** See {@link Kernels#mttkrp}. */
    public static void mttkrp(Tensor x, Tensor[] factors, int mode, Tensor out) {
        k().mttkrp(x, factors, mode, out);
    }

    /** See {@link Kernels#khatriRao}. */
    public static void khatriRao(Tensor[] matrices, Tensor out) {
        k().khatriRao(matrices, out);
    }

    /** See {@link Kernels#gram}. */
    public static void gram(Tensor a, Tensor out) {
        k().gram(a, out);
    }

    /** See {@link Kernels#unfold}. */
    public static void unfold(Tensor x, int mode, Tensor out) {
        k().unfold(x, mode, out);
    }

    /** See {@link Kernels#fold}. */
    public static void fold(Tensor matrix, int mode, Tensor out) {
        k().fold(matrix, mode, out);
    }

    /** The shape of the mode-{@code mode} unfolding of a tensor of {@code shape} (TensorLy's order). */
    public static Shape unfoldedShape(Shape shape, int mode) {
        if (mode < 0 || mode >= shape.order()) {
            throw new IllegalArgumentException("mode " + mode + " does not exist in shape " + shape);
        }
        return ScalarKernels.unfoldedShape(shape, mode);
    }

    /** See {@link Kernels#gather}. */
    public static void gather(Tensor x, Coordinates at, Tensor values) {
        k().gather(x, at, values);
    }

    /** See {@link Kernels#scatter}. */
    public static void scatter(Coordinates at, Tensor weights, Tensor out) {
        k().scatter(at, weights, out);
    }

    /** See {@link Kernels#cpEvaluate}. */
    public static void cpEvaluate(Tensor[] factors, Coordinates at, Tensor values) {
        k().cpEvaluate(factors, at, values);
    }

    /** See {@link Kernels#cpScatter}. */
    public static void cpScatter(Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out) {
        k().cpScatter(factors, mode, at, weights, out);
    }

    /** See {@link Kernels#tuckerEvaluate}. */
    public static void tuckerEvaluate(Tensor core, Tensor[] factors, Coordinates at, Tensor values) {
        k().tuckerEvaluate(core, factors, at, values);
    }

    /** See {@link Kernels#tuckerScatterCore}. */
    public static void tuckerScatterCore(Tensor[] factors, Coordinates at, Tensor weights, Tensor out) {
        k().tuckerScatterCore(factors, at, weights, out);
    }

    /** See {@link Kernels#tuckerScatterFactor}. */
    public static void tuckerScatterFactor(Tensor core, Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out) {
        k().tuckerScatterFactor(core, factors, mode, at, weights, out);
    }

    /** See {@link Kernels#ttEvaluate}. */
    public static void ttEvaluate(Tensor[] cores, Coordinates at, Tensor values) {
        k().ttEvaluate(cores, at, values);
    }

    /** See {@link Kernels#ttScatterCore}. */
    public static void ttScatterCore(Tensor[] cores, int k, Coordinates at, Tensor weights, Tensor out) {
        k().ttScatterCore(cores, k, at, weights, out);
    }
}
