package deeptensor.internal.kernel.simd;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The models evaluated at observed coordinates, and the adjoint scatters that give their gradients.
 * Work per entry is a few vector loops along a rank axis: row products for CP, a Kronecker
 * product of factor rows dotted with the core for Tucker, vector–matrix products along the train
 * for TT.
 *
 * <h2>Threads</h2>
 * Evaluations split the entries into ranges. Scatters must not let two threads add into the same
 * output row, so each thread takes the entries whose output row falls in its own range of rows
 * (every thread walks all coordinates, cheaply, and works on its share): each output element
 * receives its terms in entry order, as on one thread.
 *
 * <h2>Scratch</h2>
 * Per thread ({@link Workspace}): {@code SCRATCH_1} to {@code SCRATCH_4} hold Kronecker products,
 * row products and train vectors.
 */
final class SampledKernels {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;

    private final VectorOps ops;
    private final Parallel parallel;

    SampledKernels(VectorOps ops, Parallel parallel) {
        this.ops = ops;
        this.parallel = parallel;
    }

    private static int index(MemorySegment indexes, int order, int e, int mode) {
        return indexes.getAtIndex(I, (long) e * order + mode);
    }

    /** Whether {@code items} (entries or output rows) with this much work in all should use several threads. */
    private boolean split(int items, double work) {
        return items > 1 && parallel.worthSplitting(work);
    }

    /**
     * Runs {@code body} over about {@code 4·threads} ranges of {@code [0, items)} on the threads.
     * Only the split path builds a lambda: the single-threaded path calls the range method directly
     * and allocates nothing.
     */
    private void forRanges(int items, Range body) {
        int chunks = Math.min(items, 4 * parallel.threads());
        parallel.forEach(chunks, c -> body.run((int) ((long) items * c / chunks), (int) ((long) items * (c + 1) / chunks)));
    }

    /** A range of entries or output rows. */
    @FunctionalInterface
    private interface Range {
        void run(int from, int to);
    }

    // ------------------------------------------------------------------------------------------ CP

    void cpEvaluate(Tensor[] factors, int rank, Coordinates at, Tensor values) {
        int count = at.count();
        if (split(count, (double) count * rank * factors.length)) {
            forRanges(count, (from, to) -> cpEvaluate(factors, rank, at, values, from, to));
        } else {
            cpEvaluate(factors, rank, at, values, 0, count);
        }
    }

    private void cpEvaluate(Tensor[] factors, int rank, Coordinates at, Tensor values, int from, int to) {
        int order = factors.length;
        MemorySegment indexes = at.segment(), sv = values.segment();
        MemorySegment row = Workspace.current().get(Workspace.SCRATCH_1, rank);
        MemorySegment f0 = factors[0].segment();
        for (int e = from; e < to; e++) {
            double value;
            long r0 = (long) index(indexes, order, e, 0) * rank;
            if (order == 1) {
                value = ops.sum(f0, r0, rank);
            } else if (order == 2) {
                value = ops.dot(f0, r0, factors[1].segment(), (long) index(indexes, order, e, 1) * rank, rank);
            } else if (order == 3) { // the common case, in registers: no scratch row stored and reloaded
                value = ops.tripleDot(f0, r0, factors[1].segment(), (long) index(indexes, order, e, 1) * rank,
                        factors[2].segment(), (long) index(indexes, order, e, 2) * rank, rank);
            } else {
                ops.multiply(f0, r0, factors[1].segment(), (long) index(indexes, order, e, 1) * rank, row, 0, rank);
                for (int n = 2; n < order - 1; n++) {
                    ops.multiply(row, 0, factors[n].segment(), (long) index(indexes, order, e, n) * rank, row, 0, rank);
                }
                value = ops.dot(row, 0, factors[order - 1].segment(), (long) index(indexes, order, e, order - 1) * rank, rank);
            }
            sv.setAtIndex(D, e, value);
        }
    }

    void cpScatter(Tensor[] factors, int mode, int rank, Coordinates at, Tensor weights, Tensor out) {
        out.fill(0);
        int rows = out.dim(0);
        if (split(rows, (double) at.count() * rank * factors.length)) {
            forRanges(rows, (lo, hi) -> cpScatter(factors, mode, rank, at, weights, out, lo, hi));
        } else {
            cpScatter(factors, mode, rank, at, weights, out, 0, rows);
        }
    }

    /** The CP scatter restricted to entries whose output row is in {@code [lo, hi)}. */
    private void cpScatter(Tensor[] factors, int mode, int rank, Coordinates at, Tensor weights, Tensor out, int lo, int hi) {
        int order = factors.length;
        MemorySegment indexes = at.segment(), sw = weights.segment(), so = out.segment();
        int first = mode == 0 ? 1 : 0;
        int last = mode == order - 1 ? order - 2 : order - 1;
        MemorySegment row = Workspace.current().get(Workspace.SCRATCH_1, rank);
        for (int e = 0; e < at.count(); e++) {
            int i = index(indexes, order, e, mode);
            if (i < lo || i >= hi) {
                continue;
            }
            double w = sw.getAtIndex(D, e);
            long target = (long) i * rank;
            if (order == 1) {
                for (int r = 0; r < rank; r++) {
                    so.setAtIndex(D, target + r, so.getAtIndex(D, target + r) + w);
                }
            } else if (first == last) {
                ops.axpy(w, factors[first].segment(), (long) index(indexes, order, e, first) * rank, so, target, rank);
            } else {
                ops.scale(w, factors[first].segment(), (long) index(indexes, order, e, first) * rank, row, 0, rank);
                for (int n = first + 1; n < last; n++) {
                    if (n != mode) {
                        ops.multiply(row, 0, factors[n].segment(), (long) index(indexes, order, e, n) * rank, row, 0, rank);
                    }
                }
                ops.multiplyAdd(row, 0, factors[last].segment(), (long) index(indexes, order, e, last) * rank, so, target, rank);
            }
        }
    }

    // -------------------------------------------------------------------------------------- Tucker

    /**
     * Writes {@code u_from ⊗ ... ⊗ u_{to-1}} (rows {@code i_n} of the factors; the empty product is
     * {@code [1]}) into {@code dst} and returns its length. Expanded in place from the back, like
     * the Khatri-Rao product.
     */
    private long kronecker(Tensor[] u, MemorySegment indexes, int order, int e, int from, int to, MemorySegment dst) {
        dst.setAtIndex(D, 0, 1.0);
        long length = 1;
        for (int n = from; n < to; n++) {
            int r = u[n].cols();
            MemorySegment factor = u[n].segment();
            long row = (long) index(indexes, order, e, n) * r;
            for (long a = length - 1; a >= 0; a--) {
                double scale = dst.getAtIndex(D, a);
                ops.scale(scale, factor, row, dst, a * r, r);
            }
            length *= r;
        }
        return length;
    }

    void tuckerEvaluate(Tensor core, Tensor[] factors, Coordinates at, Tensor values) {
        int count = at.count();
        if (split(count, 2.0 * count * core.size())) {
            forRanges(count, (from, to) -> tuckerEvaluate(core, factors, at, values, from, to));
        } else {
            tuckerEvaluate(core, factors, at, values, 0, count);
        }
    }

    /** {@code value = Σ_a U^0[i_0][a] · <G[a, ...], u_1 ⊗ ... ⊗ u_{N-1}>} for entries {@code [from, to)}. */
    private void tuckerEvaluate(Tensor core, Tensor[] factors, Coordinates at, Tensor values, int from, int to) {
        int order = factors.length;
        MemorySegment indexes = at.segment(), sv = values.segment(), g = core.segment(), u0 = factors[0].segment();
        long coreSize = core.size();
        int r0 = core.dim(0);
        MemorySegment kron = Workspace.current().get(Workspace.SCRATCH_1, r0 == 0 ? 1 : coreSize / r0);
        for (int e = from; e < to; e++) {
            double value = 0;
            if (coreSize > 0) {
                long length = kronecker(factors, indexes, order, e, 1, order, kron);
                long row0 = (long) index(indexes, order, e, 0) * r0;
                for (int a = 0; a < r0; a++) {
                    double inner = ops.dot(g, a * length, kron, 0, (int) length);
                    value = Math.fma(u0.getAtIndex(D, row0 + a), inner, value);
                }
            }
            sv.setAtIndex(D, e, value);
        }
    }

    void tuckerScatterCore(Tensor[] factors, Coordinates at, Tensor weights, Tensor out) {
        out.fill(0);
        if (out.size() == 0) {
            return;
        }
        int r0 = out.dim(0);
        if (split(r0, 2.0 * at.count() * out.size())) {
            forRanges(r0, (lo, hi) -> tuckerScatterCore(factors, at, weights, out, lo, hi));
        } else {
            tuckerScatterCore(factors, at, weights, out, 0, r0);
        }
    }

    /** {@code out[a, ...] += w·U^0[i_0][a]·(u_1 ⊗ ... ⊗ u_{N-1})} for core rows {@code a} in {@code [lo, hi)}. */
    private void tuckerScatterCore(Tensor[] factors, Coordinates at, Tensor weights, Tensor out, int lo, int hi) {
        int order = factors.length;
        MemorySegment indexes = at.segment(), sw = weights.segment(), so = out.segment(), u0 = factors[0].segment();
        int r0 = out.dim(0);
        MemorySegment kron = Workspace.current().get(Workspace.SCRATCH_1, out.size() / r0);
        for (int e = 0; e < at.count(); e++) {
            long length = kronecker(factors, indexes, order, e, 1, order, kron);
            double w = sw.getAtIndex(D, e);
            long row0 = (long) index(indexes, order, e, 0) * r0;
            for (int a = lo; a < hi; a++) {
                ops.axpy(w * u0.getAtIndex(D, row0 + a), kron, 0, so, a * length, (int) length);
            }
        }
    }

    void tuckerScatterFactor(Tensor core, Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out) {
        out.fill(0);
        if (out.size() == 0 || core.size() == 0) {
            return;
        }
        int rows = out.dim(0);
        if (split(rows, 2.0 * at.count() * core.size())) {
            forRanges(rows, (lo, hi) -> tuckerScatterFactor(core, factors, mode, at, weights, out, lo, hi));
        } else {
            tuckerScatterFactor(core, factors, mode, at, weights, out, 0, rows);
        }
    }

    /**
     * With the core as {@code [front, R_mode, back]}:
     * {@code out[i_mode] += w · Σ_p f[p] Σ_q G[p][·][q]·b[q]}, where f and b are the Kronecker
     * products of the factor rows before and after the mode; entries with {@code i_mode} in
     * {@code [lo, hi)} only.
     */
    private void tuckerScatterFactor(Tensor core, Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out,
                                     int lo, int hi) {
        int order = factors.length;
        MemorySegment indexes = at.segment(), sw = weights.segment(), so = out.segment(), g = core.segment();
        int rm = core.dim(mode);
        long front = core.shape().sizeOf(0, mode), back = core.shape().sizeOf(mode + 1, order);
        Workspace mine = Workspace.current();
        MemorySegment f = mine.get(Workspace.SCRATCH_1, front);
        MemorySegment b = mine.get(Workspace.SCRATCH_2, back);
        MemorySegment v = mine.get(Workspace.SCRATCH_3, rm);
        for (int e = 0; e < at.count(); e++) {
            int i = index(indexes, order, e, mode);
            if (i < lo || i >= hi) {
                continue;
            }
            kronecker(factors, indexes, order, e, 0, mode, f);
            kronecker(factors, indexes, order, e, mode + 1, order, b);
            zero(v, rm);
            for (long p = 0; p < front; p++) {
                double fp = f.getAtIndex(D, p);
                long slab = p * rm * back;
                if (back == 1) {
                    // One trailing core index: the back product is the single number b[0].
                    ops.axpy(fp * b.getAtIndex(D, 0), g, slab, v, 0, rm);
                } else {
                    for (int r = 0; r < rm; r++) {
                        double inner = ops.dot(g, slab + r * back, b, 0, (int) back);
                        v.setAtIndex(D, r, Math.fma(fp, inner, v.getAtIndex(D, r)));
                    }
                }
            }
            ops.axpy(sw.getAtIndex(D, e), v, 0, so, (long) i * rm, rm);
        }
    }

    // --------------------------------------------------------------------------------- tensor train

    /**
     * The row vector {@code G_0[i_0] ⋯ G_{k-1}[i_{k-1}]} for entry {@code e}, written into one of
     * {@code a}/{@code b} (ping-pong buffers); returns the buffer holding it. For {@code k = 0}, [1].
     */
    private MemorySegment leftProduct(Tensor[] cores, MemorySegment indexes, int order, int e, int k,
                                      MemorySegment a, MemorySegment b) {
        MemorySegment row = a, next = b;
        row.setAtIndex(D, 0, 1.0);
        for (int c = 0; c < k; c++) {
            Tensor core = cores[c];
            int rows = core.dim(0), d = core.dim(1), cols = core.dim(2);
            MemorySegment g = core.segment();
            int i = index(indexes, order, e, c);
            ops.rowTimesMatrix(row, 0, rows, g, (long) i * cols, (long) d * cols, next, 0, cols);
            MemorySegment swap = row;
            row = next;
            next = swap;
        }
        return row;
    }

    /** The column vector {@code G_{k+1}[i_{k+1}] ⋯ G_{N-1}[i_{N-1}]}; for {@code k = N-1}, [1]. */
    private MemorySegment rightProduct(Tensor[] cores, MemorySegment indexes, int order, int e, int k,
                                       MemorySegment a, MemorySegment b) {
        MemorySegment column = a, next = b;
        column.setAtIndex(D, 0, 1.0);
        for (int c = order - 1; c > k; c--) {
            Tensor core = cores[c];
            int rows = core.dim(0), d = core.dim(1), cols = core.dim(2);
            MemorySegment g = core.segment();
            int i = index(indexes, order, e, c);
            for (int r = 0; r < rows; r++) {
                next.setAtIndex(D, r, ops.dot(g, ((long) r * d + i) * cols, column, 0, cols));
            }
            MemorySegment swap = column;
            column = next;
            next = swap;
        }
        return column;
    }

    /** Sets the first {@code n} elements to zero (a slice-and-fill would create a segment object per call). */
    private static void zero(MemorySegment s, int n) {
        for (int i = 0; i < n; i++) {
            s.setAtIndex(D, i, 0.0);
        }
    }

    /** Flops of one train product (a vector through every core). */
    private static double trainWork(Tensor[] cores) {
        double work = 0;
        for (Tensor core : cores) {
            work += 2.0 * core.dim(0) * core.dim(2);
        }
        return work;
    }

    private static int maxRank(Tensor[] cores) {
        int max = 1;
        for (Tensor core : cores) {
            max = Math.max(max, Math.max(core.dim(0), core.dim(2)));
        }
        return max;
    }

    void ttEvaluate(Tensor[] cores, Coordinates at, Tensor values) {
        int count = at.count();
        if (split(count, count * trainWork(cores))) {
            forRanges(count, (from, to) -> ttEvaluate(cores, at, values, from, to));
        } else {
            ttEvaluate(cores, at, values, 0, count);
        }
    }

    private void ttEvaluate(Tensor[] cores, Coordinates at, Tensor values, int from, int to) {
        int order = cores.length;
        MemorySegment indexes = at.segment(), sv = values.segment();
        int maxRank = maxRank(cores);
        Workspace mine = Workspace.current();
        MemorySegment a = mine.get(Workspace.SCRATCH_1, maxRank), b = mine.get(Workspace.SCRATCH_2, maxRank);
        for (int e = from; e < to; e++) {
            sv.setAtIndex(D, e, leftProduct(cores, indexes, order, e, order, a, b).getAtIndex(D, 0));
        }
    }

    void ttScatterCore(Tensor[] cores, int k, Coordinates at, Tensor weights, Tensor out) {
        out.fill(0);
        int d = cores[k].dim(1);
        if (split(d, at.count() * trainWork(cores))) {
            forRanges(d, (lo, hi) -> ttScatterCore(cores, k, at, weights, out, lo, hi));
        } else {
            ttScatterCore(cores, k, at, weights, out, 0, d);
        }
    }

    /** {@code out[a, i_k, :] += w·left[a]·right} for entries with {@code i_k} in {@code [lo, hi)}. */
    private void ttScatterCore(Tensor[] cores, int k, Coordinates at, Tensor weights, Tensor out, int lo, int hi) {
        int order = cores.length;
        MemorySegment indexes = at.segment(), sw = weights.segment(), so = out.segment();
        int maxRank = maxRank(cores);
        int rows = cores[k].dim(0), d = cores[k].dim(1), cols = cores[k].dim(2);
        Workspace mine = Workspace.current();
        MemorySegment a = mine.get(Workspace.SCRATCH_1, maxRank), b = mine.get(Workspace.SCRATCH_2, maxRank);
        MemorySegment c = mine.get(Workspace.SCRATCH_3, maxRank), dd = mine.get(Workspace.SCRATCH_4, maxRank);
        for (int e = 0; e < at.count(); e++) {
            int i = index(indexes, order, e, k);
            if (i < lo || i >= hi) {
                continue;
            }
            MemorySegment left = leftProduct(cores, indexes, order, e, k, a, b);
            MemorySegment right = rightProduct(cores, indexes, order, e, k, c, dd);
            double w = sw.getAtIndex(D, e);
            for (int r = 0; r < rows; r++) {
                ops.axpy(w * left.getAtIndex(D, r), right, 0, so, ((long) r * d + i) * cols, cols);
            }
        }
    }

}
