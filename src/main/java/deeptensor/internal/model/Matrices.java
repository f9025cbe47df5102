package deeptensor.internal.model;

import deeptensor.kernel.TensorOps;
import deeptensor.tensor.Tensor;

/**
 * A dense helper the kernel interface does not offer: the contraction of two tensors over every
 * mode but one. (A transpose is the kernels' mode-1 unfolding of a matrix: {@link #transpose}.)
 * Package-private.
 */
final class Matrices {

    private Matrices() {
    }

    /** {@code dst = srcᵀ}: the mode-1 unfolding of a matrix is its transpose, so the kernels do it. */
    static void transpose(Tensor src, Tensor dst) {
        TensorOps.unfold(src, 1, dst);
    }

    /**
     * The contraction over every mode but {@code mode}: {@code out[a, b] = Σ x[.., a, ..] · y[.., b, ..]},
     * that is {@code X_(mode) · Y_(mode)ᵀ}, without unfolding. {@code x} and {@code y} must agree
     * on every other mode. Seen as {@code [left, n, right]} blocks, it is one GEMM per left index
     * (accumulated), with the per-block views prepared by {@link Contraction}.
     */
    static final class Contraction {
        private final Tensor[] xBlocks;
        private final Tensor[] yBlocks;
        private final Tensor out;
        private final boolean lastMode;
        private final Tensor xMatrix;
        private final Tensor yMatrix;

        /** Prepares the views for contracting {@code x} and {@code y} into {@code out}. */
        Contraction(Tensor x, Tensor y, int mode, Tensor out) {
            int order = x.order();
            for (int n = 0; n < order; n++) {
                if (n != mode && x.dim(n) != y.dim(n)) {
                    throw new IllegalArgumentException("contraction over all modes but " + mode + ": shapes " + x.shape()
                            + " and " + y.shape() + " differ on mode " + n);
                }
            }
            if (out.rows() != x.dim(mode) || out.cols() != y.dim(mode)) {
                throw new IllegalArgumentException("contraction of " + x.shape() + " and " + y.shape() + " over all modes but "
                        + mode + " cannot go into " + out.shape());
            }
            this.out = out;
            int left = (int) x.shape().sizeOf(0, mode);
            int right = (int) x.shape().sizeOf(mode + 1, order);
            int a = x.dim(mode), b = y.dim(mode);
            this.lastMode = right == 1;
            if (lastMode) {
                // x is (left × a), y is (left × b): out = xᵀ y in one call.
                xMatrix = x.reshape(left, a);
                yMatrix = y.reshape(left, b);
                xBlocks = null;
                yBlocks = null;
            } else {
                xMatrix = null;
                yMatrix = null;
                Tensor x3 = x.reshape(left, a, right);
                Tensor y3 = y.reshape(left, b, right);
                xBlocks = new Tensor[left];
                yBlocks = new Tensor[left];
                for (int l = 0; l < left; l++) {
                    xBlocks[l] = x3.slice(l);
                    yBlocks[l] = y3.slice(l);
                }
            }
        }

        /** Computes the contraction with the current contents of the tensors. */
        void run() {
            if (lastMode) {
                TensorOps.gemm(1.0, xMatrix, true, yMatrix, false, 0.0, out);
                return;
            }
            for (int l = 0; l < xBlocks.length; l++) {
                TensorOps.gemm(1.0, xBlocks[l], false, yBlocks[l], true, l == 0 ? 0.0 : 1.0, out);
            }
        }
    }
}
