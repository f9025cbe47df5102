package deeptensor.internal.kernel.simd;

import deeptensor.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * The mode-n product {@code out = x ×_n U} as GEMMs on the tensor in place, never unfolding it.
 *
 * <p>View {@code x} as {@code [left, I, right]} (the modes before n, mode n, the modes after) and
 * {@code out} as {@code [left, J, right]}. Then:
 * <ul>
 *   <li>last mode ({@code right = 1}): {@code out (left × J) = X (left × I) · Uᵀ}, one GEMM whose B
 *       is U read through transposed strides;</li>
 *   <li>any other mode: for each of the {@code left} slices, {@code out_l (J × right) = U · X_l
 *       (I × right)}, a batch of GEMMs on contiguous slices (mode 0 is the batch of one).</li>
 * </ul>
 * Large batches are split over slices between threads; a single large GEMM splits its own rows or
 * columns.
 *
 * <p>Also the product's adjoint in U, the contraction over every mode but n ({@link #contract}).
 */
final class ModeProducts {

    /** Columns per GEMM call: keeps {@code n} an {@code int} for tensors of any size. */
    private static final long MAX_COLUMNS = 1L << 30;

    private final Gemm gemm;
    private final Parallel parallel;

    ModeProducts(Gemm gemm, Parallel parallel) {
        this.gemm = gemm;
        this.parallel = parallel;
    }

    /** {@code out = x ×_mode u}; shapes already checked. */
    void apply(Tensor x, int mode, Tensor u, Tensor out) {
        if (out.size() == 0) {
            return;
        }
        long left = x.shape().sizeOf(0, mode);
        long right = x.shape().sizeOf(mode + 1, x.order());
        int in = x.dim(mode), outDim = u.rows();
        MemorySegment sx = x.segment(), su = u.segment(), so = out.segment();
        if (right == 1) {
            for (long l0 = 0; l0 < left; l0 += MAX_COLUMNS) {
                int rows = (int) Math.min(MAX_COLUMNS, left - l0);
                gemm.multiply(rows, outDim, in, 1.0, sx, l0 * in, in, 1, su, 0, 1, in,
                        0.0, so, l0 * outDim, outDim, true);
            }
            return;
        }
        double flops = 2.0 * outDim * in * left * right;
        if (left > 1 && parallel.worthSplitting(flops)) {
            int chunks = (int) Math.min(left, 4L * parallel.threads());
            parallel.forEach(chunks, chunk -> {
                long from = left * chunk / chunks, to = left * (chunk + 1) / chunks;
                for (long l = from; l < to; l++) {
                    slice(sx, su, so, l, in, outDim, right, false);
                }
            });
            return;
        }
        for (long l = 0; l < left; l++) {
            slice(sx, su, so, l, in, outDim, right, true);
        }
    }

    /** {@code out_l = U · X_l} for one slice {@code l}. */
    private void slice(MemorySegment sx, MemorySegment su, MemorySegment so, long l, int in, int outDim, long right,
                       boolean maySplit) {
        for (long r0 = 0; r0 < right; r0 += MAX_COLUMNS) {
            int cols = (int) Math.min(MAX_COLUMNS, right - r0);
            gemm.multiply(outDim, cols, in, 1.0, su, 0, in, 1, sx, l * in * right + r0, right, 1,
                    0.0, so, l * outDim * right + r0, right, maySplit);
        }
    }
    /**
     * {@code out = X_(mode) · Y_(mode)ᵀ} (shapes already checked): with both viewed as
     * {@code [left, ·, right]}, the last mode is one GEMM {@code Xᵀ·Y} over the left index, and any
     * other mode accumulates {@code out += X_l · Y_lᵀ} over the slices, in slice order. When that is
     * worth splitting, threads take disjoint blocks of rows of {@code out} and each walks every slice
     * for its rows: every element is the same sum in the same order as on one thread, and no slice
     * GEMM has to be large enough to split on its own (a middle mode of 100³ is a hundred products
     * of 2·10⁶ flops, each below the split threshold).
     */
    void contract(Tensor x, Tensor y, int mode, Tensor out) {
        if (out.size() == 0) {
            return;
        }
        long left = x.shape().sizeOf(0, mode);
        long right = x.shape().sizeOf(mode + 1, x.order());
        int rows = x.dim(mode), cols = y.dim(mode);
        MemorySegment sx = x.segment(), sy = y.segment(), so = out.segment();
        if (left * right == 0) {
            out.fill(0);
            return;
        }
        if (right == 1 && left <= Integer.MAX_VALUE) {
            gemm.multiply(rows, cols, (int) left, 1.0, sx, 0, 1, rows, sy, 0, cols, 1, 0.0, so, 0, cols, true);
            return;
        }
        int unit = 8;
        if (rows >= 2 * unit && parallel.worthSplitting(2.0 * rows * cols * left * right)) {
            int chunks = Math.min(rows / unit, 4 * parallel.threads());
            parallel.forEach(chunks, chunk -> contractRows(sx, sy, so, left, right, rows, cols,
                    (int) ((long) rows * chunk / chunks), (int) ((long) rows * (chunk + 1) / chunks)));
        } else {
            contractRows(sx, sy, so, left, right, rows, cols, 0, rows);
        }
    }

    /** Rows {@code [a0, a1)} of {@link #contract}: one GEMM per slice (and per block of columns of the slices). */
    private void contractRows(MemorySegment sx, MemorySegment sy, MemorySegment so, long left, long right, int rows,
                              int cols, int a0, int a1) {
        boolean first = true;
        for (long l = 0; l < left; l++) {
            for (long r0 = 0; r0 < right; r0 += MAX_COLUMNS) {
                int depth = (int) Math.min(MAX_COLUMNS, right - r0);
                gemm.multiply(a1 - a0, cols, depth, 1.0, sx, (l * rows + a0) * right + r0, right, 1,
                        sy, l * cols * right + r0, 1, right, first ? 0.0 : 1.0, so, (long) a0 * cols, cols, false);
                first = false;
            }
        }
    }
}
