package deeptensor.internal.kernel.simd;

import deeptensor.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The dense CP kernels: Khatri-Rao product, CP reconstruction and MTTKRP, built from row products
 * ({@link VectorOps}, vectors along the rank) and GEMMs ({@link Gemm}).
 *
 * <p>Scratch (per thread, see {@link Workspace}): {@code SCRATCH_1} holds Khatri-Rao blocks,
 * {@code SCRATCH_2} one Khatri-Rao row, {@code SCRATCH_3} a GEMM result; the GEMMs use their own
 * slots.
 */
final class CpKernels {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    /** Khatri-Rao rows built per block of a CP reconstruction. */
    private static final int BLOCK_ROWS = 128;

    private final Gemm gemm;
    private final VectorOps ops;
    private final Parallel parallel;

    CpKernels(Gemm gemm, VectorOps ops, Parallel parallel) {
        this.gemm = gemm;
        this.ops = ops;
        this.parallel = parallel;
    }

    /**
     * Writes the Khatri-Rao product of {@code f[from..to)} ({@code Π rows × rank}, TensorLy's row
     * order) at element {@code dstOff} of {@code dst}; the empty product is one row of ones.
     *
     * <p>Built in place: the first matrix is copied, and each further one expands every row
     * {@code a} into rows {@code a·n .. a·n+n-1}, walking {@code a} downwards so that no row is
     * overwritten before it is read. The factors multiply in the same order as in the reference,
     * so the result is identical to it.
     */
    void khatriRaoInto(Tensor[] f, int from, int to, int rank, MemorySegment dst, long dstOff) {
        if (from == to) {
            for (int r = 0; r < rank; r++) {
                dst.setAtIndex(D, dstOff + r, 1.0);
            }
            return;
        }
        long rows = f[from].rows();
        MemorySegment.copy(f[from].segment(), 0, dst, dstOff * Double.BYTES, rows * rank * Double.BYTES);
        for (int n = from + 1; n < to; n++) {
            int next = f[n].rows();
            MemorySegment m = f[n].segment();
            for (long a = rows - 1; a >= 0; a--) {
                for (int b = next - 1; b >= 0; b--) {
                    ops.multiply(dst, dstOff + a * rank, m, (long) b * rank, dst, dstOff + (a * next + b) * rank, rank);
                }
            }
            rows *= next;
        }
    }

    /** Rows of the Khatri-Rao product of {@code f[from..to)}. */
    private static long rows(Tensor[] f, int from, int to) {
        long rows = 1;
        for (int n = from; n < to; n++) {
            rows *= f[n].rows();
        }
        return rows;
    }

    /**
     * Row {@code row} of the Khatri-Rao product of {@code f[from..to)} (TensorLy's order), written at
     * element {@code dstOff} of {@code dst}: the product of one row of each matrix.
     */
    private void khatriRaoRow(Tensor[] f, int from, int to, int rank, long row, MemorySegment dst, long dstOff) {
        if (from == to) {
            for (int r = 0; r < rank; r++) {
                dst.setAtIndex(D, dstOff + r, 1.0);
            }
            return;
        }
        // Row indexes are the digits of `row` in the mixed radix of the row counts, last fastest.
        long stride = rows(f, from + 1, to);
        long i = row / stride;
        MemorySegment.copy(f[from].segment(), i * rank * Double.BYTES, dst, dstOff * Double.BYTES, (long) rank * Double.BYTES);
        long rest = row - i * stride;
        for (int n = from + 1; n < to; n++) {
            stride /= f[n].rows();
            i = rest / stride;
            rest -= i * stride;
            ops.multiply(dst, dstOff, f[n].segment(), i * rank, dst, dstOff, rank);
        }
    }

    void khatriRao(Tensor[] matrices, int rank, Tensor out) {
        if (out.size() == 0) {
            return;
        }
        // Memory-bound (one multiply per element written): one thread.
        khatriRaoInto(matrices, 0, matrices.length, rank, out.segment(), 0);
    }

    /**
     * {@code out} viewed as {@code P × d_last} is {@code KR(F^0..F^{N-2}) · (F^{N-1})ᵀ}: blocks of
     * Khatri-Rao rows are built in scratch and multiplied by one GEMM each, blocks split over threads.
     */
    void reconstruct(Tensor[] factors, int rank, Tensor out) {
        if (out.size() == 0) {
            return;
        }
        int order = factors.length;
        MemorySegment so = out.segment();
        if (order == 1) {
            MemorySegment f = factors[0].segment();
            for (int i = 0; i < out.size(); i++) {
                so.setAtIndex(D, i, ops.sum(f, (long) i * rank, rank));
            }
            return;
        }
        int blocks = (int) ((rows(factors, 0, order - 1) + BLOCK_ROWS - 1) / BLOCK_ROWS);
        if (blocks > 1 && parallel.worthSplitting(2.0 * out.size() * rank)) {
            parallel.forEach(blocks, block -> reconstructBlocks(factors, rank, so, block, block + 1));
        } else {
            reconstructBlocks(factors, rank, so, 0, blocks);
        }
    }

    /** Blocks {@code [from, to)} of {@link #BLOCK_ROWS} Khatri-Rao rows, one GEMM each. */
    private void reconstructBlocks(Tensor[] factors, int rank, MemorySegment so, int from, int to) {
        int last = factors.length - 1;
        int lastRows = factors[last].rows();
        long prefixRows = rows(factors, 0, last);
        MemorySegment fl = factors[last].segment();
        MemorySegment kr = Workspace.current().get(Workspace.SCRATCH_1, (long) BLOCK_ROWS * rank);
        for (int block = from; block < to; block++) {
            long p0 = (long) block * BLOCK_ROWS;
            int count = (int) Math.min(BLOCK_ROWS, prefixRows - p0);
            for (int p = 0; p < count; p++) {
                khatriRaoRow(factors, 0, last, rank, p0 + p, kr, (long) p * rank);
            }
            gemm.multiply(count, lastRows, rank, 1.0, kr, 0, rank, 1, fl, 0, 1, rank,
                    0.0, so, p0 * lastRows, lastRows, false);
        }
    }

    /**
     * MTTKRP with x viewed as {@code [left, I, right]}:
     * {@code out[i][r] = Σ_l KL[l][r] · Σ_q X[l][i][q]·KR[q][r]}, where KL and KR are the Khatri-Rao
     * products of the factors before and after the mode. The inner sums are GEMMs against KR
     * (built once); for the last mode the whole thing is one GEMM {@code Xᵀ·KL}.
     */
    void mttkrp(Tensor x, Tensor[] factors, int mode, int rank, Tensor out) {
        if (out.size() == 0) {
            return;
        }
        int order = x.order();
        long left = x.shape().sizeOf(0, mode), right = x.shape().sizeOf(mode + 1, order);
        int in = x.dim(mode);
        MemorySegment sx = x.segment(), so = out.segment();
        if (left == 0 || right == 0) {
            out.fill(0);
            return;
        }
        Workspace workspace = Workspace.current();
        if (mode == order - 1) {
            checkColumns(left, x, mode);
            MemorySegment kl = workspace.get(Workspace.SCRATCH_1, left * rank);
            khatriRaoInto(factors, 0, mode, rank, kl, 0);
            gemm.multiply(in, rank, (int) left, 1.0, sx, 0, 1, in, kl, 0, rank, 1, 0.0, so, 0, rank, true);
            return;
        }
        checkColumns(right, x, mode);
        MemorySegment kr = workspace.get(Workspace.SCRATCH_1, right * rank);
        khatriRaoInto(factors, mode + 1, order, rank, kr, 0);
        if (mode == 0) {
            gemm.multiply(in, rank, (int) right, 1.0, sx, 0, right, 1, kr, 0, rank, 1, 0.0, so, 0, rank, true);
            return;
        }
        out.fill(0);
        if (in >= 16 && parallel.worthSplitting(2.0 * x.size() * rank)) {
            int chunks = Math.min(in / 8, 4 * parallel.threads());
            parallel.forEach(chunks, chunk -> mttkrpRows(x, factors, mode, rank, kr, so,
                    (int) ((long) in * chunk / chunks), (int) ((long) in * (chunk + 1) / chunks)));
        } else {
            mttkrpRows(x, factors, mode, rank, kr, so, 0, in);
        }
    }

    /**
     * Rows {@code [i0, i1)} of a middle-mode MTTKRP: for each left index l,
     * {@code out[i] += (X_l[i, :] · KR) ⊙ KL[l]}, with KR (the factors after the mode) given.
     */
    private void mttkrpRows(Tensor x, Tensor[] factors, int mode, int rank, MemorySegment kr, MemorySegment so,
                            int i0, int i1) {
        long left = x.shape().sizeOf(0, mode), right = x.shape().sizeOf(mode + 1, x.order());
        int in = x.dim(mode), rows = i1 - i0;
        MemorySegment sx = x.segment();
        Workspace mine = Workspace.current();
        MemorySegment klRow = mine.get(Workspace.SCRATCH_2, rank);
        MemorySegment t = mine.get(Workspace.SCRATCH_3, (long) rows * rank);
        for (long l = 0; l < left; l++) {
            khatriRaoRow(factors, 0, mode, rank, l, klRow, 0);
            gemm.multiply(rows, rank, (int) right, 1.0, sx, (l * in + i0) * right, right, 1, kr, 0, rank, 1,
                    0.0, t, 0, rank, false);
            for (int i = 0; i < rows; i++) {
                ops.multiplyAdd(t, (long) i * rank, klRow, 0, so, (long) (i0 + i) * rank, rank);
            }
        }
    }

    /**
     * The MTTKRP in every mode by a dimension tree, for orders of 3 and more. With {@code x} viewed as
     * {@code P × d_last} (P the product of the other dimensions):
     * <ol>
     *   <li>the last mode is the usual one GEMM, {@code Xᵀ·KR(F^0..F^{N-2})};</li>
     *   <li>one GEMM contracts the last mode away, {@code M = X·F^{N-1}} ({@code P × R}): the part
     *       every other mode's MTTKRP has in common;</li>
     *   <li>each other mode reduces M against the remaining factors, rows of R at a time:
     *       {@code out_n[i] = Σ_l KL[l] ⊙ Σ_q M[l, i, q] ⊙ KR'[q]}, with KL and KR' the Khatri-Rao
     *       products of the factors before {@code n} and between {@code n} and the last mode.</li>
     * </ol>
     * Two GEMMs of {@code 2·size·R} flops replace N of them (for order 3 the reductions add
     * {@code O(P·R)}), at the cost of M in scratch ({@code P·R} doubles, as many as the last mode's
     * Khatri-Rao product already takes). Used when {@code R ≤ d_last}, so that M is no larger than
     * {@code x}; otherwise, and below order 3, one {@link #mttkrp} per mode.
     *
     * <p>Scratch: {@code SCRATCH_4} holds M, {@code SCRATCH_1} KR' (then the GEMMs' own slots);
     * each thread's {@code SCRATCH_2} and {@code SCRATCH_3} hold a KL row and a partial sum.
     * Every output row is summed by one thread in a fixed order, so results do not depend on the
     * thread count.
     */
    void mttkrpEveryMode(Tensor x, Tensor[] factors, int rank, Tensor[] outs) {
        int order = x.order(), last = order - 1;
        long prefix = x.shape().sizeOf(0, last);
        int lastDim = x.dim(last);
        if (order < 3 || rank == 0 || x.size() == 0 || rank > lastDim || prefix > Integer.MAX_VALUE) {
            for (int n = 0; n < order; n++) {
                mttkrp(x, factors, n, rank, outs[n]);
            }
            return;
        }
        mttkrp(x, factors, last, rank, outs[last]);
        Workspace workspace = Workspace.current();
        MemorySegment m = workspace.get(Workspace.SCRATCH_4, prefix * rank);
        gemm.multiply((int) prefix, rank, lastDim, 1.0, x.segment(), 0, lastDim, 1, factors[last].segment(), 0, rank, 1,
                0.0, m, 0, rank, true);
        for (int n = 0; n < last; n++) {
            reduceMode(x, factors, n, rank, m, outs[n]);
        }
    }

    /** Step 3 of {@link #mttkrpEveryMode} for mode {@code n}: rows of {@code out} split over threads. */
    private void reduceMode(Tensor x, Tensor[] factors, int n, int rank, MemorySegment m, Tensor out) {
        int last = x.order() - 1, in = x.dim(n);
        long between = x.shape().sizeOf(n + 1, last);
        MemorySegment krBetween;
        if (n + 1 == last) {
            krBetween = null;
        } else if (n + 2 == last) {
            krBetween = factors[n + 1].segment();
        } else {
            krBetween = Workspace.current().get(Workspace.SCRATCH_1, between * rank);
            khatriRaoInto(factors, n + 1, last, rank, krBetween, 0);
        }
        MemorySegment so = out.segment();
        long work = 2L * x.shape().sizeOf(0, last) * rank;
        if (in >= 16 && parallel.worthSplitting(work)) {
            int chunks = Math.min(in / 8, 4 * parallel.threads());
            parallel.forEach(chunks, chunk -> reduceRows(x, factors, n, rank, m, krBetween, so,
                    (int) ((long) in * chunk / chunks), (int) ((long) in * (chunk + 1) / chunks)));
        } else {
            reduceRows(x, factors, n, rank, m, krBetween, so, 0, in);
        }
    }

    /**
     * Rows {@code [i0, i1)} of {@link #reduceMode}: {@code krBetween} is the Khatri-Rao product of the
     * factors strictly between mode {@code n} and the last ({@code null} when there are none).
     */
    private void reduceRows(Tensor x, Tensor[] factors, int n, int rank, MemorySegment m, MemorySegment krBetween,
                            MemorySegment so, int i0, int i1) {
        int last = x.order() - 1, in = x.dim(n);
        long left = x.shape().sizeOf(0, n), between = x.shape().sizeOf(n + 1, last);
        so.asSlice((long) i0 * rank * Double.BYTES, (long) (i1 - i0) * rank * Double.BYTES).fill((byte) 0);
        Workspace mine = Workspace.current();
        // No factor before the mode (n = 0) or none between it and the last: the products skip them.
        MemorySegment klRow = n == 0 ? null : mine.get(Workspace.SCRATCH_2, rank);
        MemorySegment partial = klRow == null || krBetween == null ? null : mine.get(Workspace.SCRATCH_3, rank);
        for (long l = 0; l < left; l++) {
            if (klRow != null) {
                khatriRaoRow(factors, 0, n, rank, l, klRow, 0);
            }
            for (int i = i0; i < i1; i++) {
                long row = (l * in + i) * between;
                long outOff = (long) i * rank;
                if (krBetween == null) {
                    // Nothing between the mode and the last: the partial sum is M's row itself.
                    if (klRow == null) {
                        ops.axpy(1.0, m, row * rank, so, outOff, rank);
                    } else {
                        ops.multiplyAdd(m, row * rank, klRow, 0, so, outOff, rank);
                    }
                } else if (klRow == null) {
                    // Nothing before the mode: sum straight into the output row.
                    for (long q = 0; q < between; q++) {
                        ops.multiplyAdd(m, (row + q) * rank, krBetween, q * rank, so, outOff, rank);
                    }
                } else {
                    partial.asSlice(0, (long) rank * Double.BYTES).fill((byte) 0);
                    for (long q = 0; q < between; q++) {
                        ops.multiplyAdd(m, (row + q) * rank, krBetween, q * rank, partial, 0, rank);
                    }
                    ops.multiplyAdd(partial, 0, klRow, 0, so, outOff, rank);
                }
            }
        }
    }

    private static void checkColumns(long columns, Tensor x, int mode) {
        if (columns > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("MTTKRP: the mode-" + mode + " unfolding of shape " + x.shape() + " has "
                    + columns + " columns, more than one GEMM can take");
        }
    }
}
