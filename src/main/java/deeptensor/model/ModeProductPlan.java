package deeptensor.model;

import deeptensor.kernel.ModeOrder;
import deeptensor.kernel.TensorOps;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;

/**
 * A multi-mode product {@code out = x ×_n M_n} (modes with a null matrix left alone) whose mode order
 * (the cheapest, by {@link ModeOrder}) and intermediate buffers are fixed once, so that running it
 * creates no objects. The matrices are the model's own buffers, read at each run; the intermediates are
 * views into a workspace shared by all plans of one model (they run one after another), alternating
 * between its two halves as {@link TensorOps#multiModeProduct} does.
 */
final class ModeProductPlan {

    private final Tensor input;
    private final Tensor[] matrices;
    private final int[] order;
    private final Tensor[] intermediates;

    private ModeProductPlan(Tensor input, Tensor[] matrices, int[] order, Tensor[] intermediates) {
        this.input = input;
        this.matrices = matrices;
        this.order = order;
        this.intermediates = intermediates;
    }

    /** Workspace elements a plan for these inputs needs (two halves of the largest intermediate). */
    static long workspaceSize(Shape input, Tensor[] matrices) {
        return TensorOps.multiModeWorkspace(input, matrices);
    }

    /** Plans {@code input ×_n matrices[n]}; {@code workspace} must hold {@link #workspaceSize} elements. */
    static ModeProductPlan of(Tensor input, Tensor[] matrices, Tensor workspace) {
        int[] order = ModeOrder.cheapest(input.shape(), matrices);
        long half = workspaceSize(input.shape(), matrices) / 2;
        if (workspace.size() < 2 * half) {
            throw new IllegalArgumentException("a workspace of " + workspace.size() + " elements is too small for a mode-product plan on "
                    + input.shape() + " that needs " + 2 * half);
        }
        Tensor[] intermediates = new Tensor[Math.max(0, order.length - 1)];
        Shape shape = input.shape();
        for (int step = 0; step + 1 < order.length; step++) {
            shape = shape.withDim(order[step], matrices[order[step]].rows());
            int start = (int) (step % 2 == 0 ? 0 : half);
            intermediates[step] = workspace.slice(start, start + (int) shape.size()).reshape(shape.dims());
        }
        return new ModeProductPlan(input, matrices.clone(), order, intermediates);
    }

    /** Runs the products into {@code out} (shaped like the result). */
    void run(Tensor out) {
        if (order.length == 0) {
            out.copyFrom(input);
            return;
        }
        Tensor current = input;
        for (int step = 0; step < order.length; step++) {
            int mode = order[step];
            Tensor next = step == order.length - 1 ? out : intermediates[step];
            TensorOps.modeProduct(current, mode, matrices[mode], next);
            current = next;
        }
    }
}
