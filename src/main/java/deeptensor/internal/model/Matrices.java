package deeptensor.internal.model;

import deeptensor.kernel.TensorOps;
import deeptensor.tensor.Tensor;

/**
 * A dense helper the kernel interface does not name: the transpose of a matrix, which is the
 * kernels' mode-1 unfolding of it. Package-private.
 */
final class Matrices {

    private Matrices() {
    }

    /** {@code dst = srcᵀ}: the mode-1 unfolding of a matrix is its transpose, so the kernels do it. */
    static void transpose(Tensor src, Tensor dst) {
        TensorOps.unfold(src, 1, dst);
    }
}
