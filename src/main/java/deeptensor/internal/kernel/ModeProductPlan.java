package deeptensor.internal.kernel;

import deeptensor.internal.kernel.ShapeChecks;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;

/**
 * A multi-mode product {@code out = x ×_n M_n} (modes with a null matrix left alone) whose mode
 * order and intermediate buffers are fixed when it is planned, so that {@link #run} creates no
 * objects: the form for hot loops that repeat the same product on changing values (a model's
 * reconstruction at every training step). {@link TensorOps#multiModeProduct} plans and runs once.
 *
 * <p>The order is the cheapest, found by an exact dynamic program over subsets of modes. Intermediates are views into a caller-given
 * workspace of {@link #workspaceSize} elements, alternating between its two halves; several plans
 * may share one workspace if they run one after another. The input and matrices are the caller's
 * tensors, read at each run, so their values may change between runs (their shapes may not).
 */
public final class ModeProductPlan {

    private final Tensor input;
    private final Tensor[] matrices;
    private final int[] order;
    private final Tensor[] intermediates;
    private final Shape target;
    private final Tensor workspace;
    /** Every intermediate is empty: the result is a sum of no terms, zero. */
    private final boolean zeroResult;

    private ModeProductPlan(Tensor input, Tensor[] matrices, int[] order, Tensor[] intermediates, Shape target,
                            Tensor workspace, boolean zeroResult) {
        this.input = input;
        this.matrices = matrices;
        this.order = order;
        this.intermediates = intermediates;
        this.target = target;
        this.workspace = workspace;
        this.zeroResult = zeroResult;
    }

    /**
     * Flops of the multi-mode product of a tensor of shape {@code input} by {@code matrices} (null
     * entries skip their mode) in the cheapest order, the order a plan runs in.
     */
    public static double flops(Shape input, Tensor[] matrices) {
        return ModeOrder.flops(input, matrices, ModeOrder.cheapest(input, matrices));
    }

    /**
     * The modes with a non-null matrix in the order that makes the multi-mode product cheapest, the
     * order a plan runs in. Running the same chain backwards (the adjoint products and, at each step,
     * one contraction) costs twice the forward flops in that order too, so it is also the cheapest
     * order for a forward pass that keeps its intermediates for the gradient.
     */
    public static int[] cheapestOrder(Shape input, Tensor[] matrices) {
        return ModeOrder.cheapest(input, matrices);
    }

    /** Workspace elements a plan for these inputs needs (two halves of the largest intermediate; at least 1). */
    public static long workspaceSize(Shape input, Tensor[] matrices) {
        int[] order = ModeOrder.cheapest(input, matrices);
        return Math.max(1, 2 * ModeOrder.largestIntermediate(input, matrices, order));
    }

    /**
     * Plans {@code x ×_n matrices[n]}. {@code workspace} must hold {@link #workspaceSize} elements; it
     * may be null when no intermediate is needed (a single product, or only empty intermediates).
     */
    public static ModeProductPlan of(Tensor x, Tensor[] matrices, Tensor workspace) {
        Shape target = checkedTarget(x, matrices);
        int[] order = ModeOrder.cheapest(x.shape(), matrices);
        long needed = 2 * ModeOrder.largestIntermediate(x.shape(), matrices, order);
        Tensor[] intermediates = new Tensor[Math.max(0, order.length - 1)];
        boolean zeroResult = needed == 0 && order.length > 1;
        if (needed == 0) {
            workspace = null; // nothing to hold
        } else if (workspace == null || workspace.size() < needed) {
            throw new IllegalArgumentException("multi-mode product: workspace " + (workspace == null ? "missing"
                    : "of shape " + workspace.shape() + " holds " + workspace.size() + " elements") + "; " + needed
                    + " are needed for input " + x.shape() + " and output " + target);
        } else {
            ShapeChecks.distinct("multi-mode product workspace", workspace, x);
            ShapeChecks.distinct("multi-mode product workspace", workspace, matrices);
            Shape shape = x.shape();
            for (int step = 0; step + 1 < order.length; step++) {
                shape = shape.withDim(order[step], matrices[order[step]].rows());
                // Long offsets: a workspace may exceed 2^31 elements.
                intermediates[step] = workspace.view(step % 2 == 0 ? 0 : needed / 2, shape.dims());
            }
        }
        return new ModeProductPlan(x, matrices.clone(), order, intermediates, target, workspace, zeroResult);
    }

    private static Shape checkedTarget(Tensor x, Tensor[] matrices) {
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
        return target;
    }

    /** The shape of the result. */
    public Shape outputShape() {
        return target;
    }

    /** Runs the products on {@code kernels} into {@code out} (of {@link #outputShape()}); no allocation. */
    public void run(Kernels kernels, Tensor out) {
        ShapeChecks.sameShape("multi-mode product output", target, out);
        ShapeChecks.distinct("multi-mode product", out, input);
        ShapeChecks.distinct("multi-mode product", out, matrices);
        if (workspace != null) {
            ShapeChecks.distinct("multi-mode product workspace", out, workspace);
        }
        if (order.length == 0) {
            out.copyFrom(input);
            return;
        }
        if (zeroResult) {
            out.fill(0);
            return;
        }
        Tensor current = input;
        for (int step = 0; step < order.length; step++) {
            int mode = order[step];
            Tensor next = step == order.length - 1 ? out : intermediates[step];
            kernels.modeProduct(current, mode, matrices[mode], next);
            current = next;
        }
    }

    /** Runs the products on the kernels chosen for this JVM. */
    public void run(Tensor out) {
        run(KernelProvider.kernels(), out);
    }
}
