package deeptensor.kernel.simd;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntConsumer;

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

    /** Runs {@code body} over entry ranges, split when the work is large. */
    private void overEntries(int count, double workPerEntry, EntryRange body) {
        if (count > 1 && parallel.worthSplitting(count * workPerEntry)) {
            int chunks = Math.min(count, 4 * parallel.threads());
            parallel.forEach(chunks, c -> body.run((int) ((long) count * c / chunks), (int) ((long) count * (c + 1) / chunks)));
        } else {
            body.run(0, count);
        }
    }

    /** Runs {@code body} over ranges of output rows {@code [lo, hi)}, split when the work is large. */
    private void overRows(int rows, double work, EntryRange body) {
        if (rows > 1 && parallel.worthSplitting(work)) {
            int chunks = Math.min(rows, 4 * parallel.threads());
            parallel.forEach(chunks, c -> body.run((int) ((long) rows * c / chunks), (int) ((long) rows * (c + 1) / chunks)));
        } else {
            body.run(0, rows);
        }
    }

    /** A range of entries or rows. */
    @FunctionalInterface
    private interface EntryRange {
        void run(int from, int to);
    }

    // ------------------------------------------------------------------------------------------ CP

    void cpEvaluate(Tensor[] factors, int rank, Coordinates at, Tensor values) {
        int order = factors.length;
        MemorySegment indexes = at.segment(), sv = values.segment();
        MemorySegment[] f = segments(factors);
        overEntries(at.count(), (double) rank * order, (from, to) -> {
            MemorySegment row = Workspace.current().get(Workspace.SCRATCH_1, rank);
            for (int e = from; e < to; e++) {
                double value;
                long r0 = (long) index(indexes, order, e, 0) * rank;
                if (order == 1) {
                    value = ops.sum(f[0], r0, rank);
                } else if (order == 2) {
                    value = ops.dot(f[0], r0, f[1], (long) index(indexes, order, e, 1) * rank, rank);
                } else {
                    ops.multiply(f[0], r0, f[1], (long) index(indexes, order, e, 1) * rank, row, 0, rank);
                    for (int n = 2; n < order - 1; n++) {
                        ops.multiply(row, 0, f[n], (long) index(indexes, order, e, n) * rank, row, 0, rank);
                    }
                    value = ops.dot(row, 0, f[order - 1], (long) index(indexes, order, e, order - 1) * rank, rank);
                }
                sv.setAtIndex(D, e, value);
            }
        });
    }

    void cpScatter(Tensor[] factors, int mode, int rank, Coordinates at, Tensor weights, Tensor out) {
        out.fill(0);
        int order = factors.length;
        MemorySegment indexes = at.segment(), sw = weights.segment(), so = out.segment();
        MemorySegment[] f = segments(factors);
        int first = mode == 0 ? 1 : 0;
        int last = mode == order - 1 ? order - 2 : order - 1;
        int count = at.count();
        overRows(out.dim(0), (double) count * rank * order, (lo, hi) -> {
            MemorySegment row = Workspace.current().get(Workspace.SCRATCH_1, rank);
            for (int e = 0; e < count; e++) {
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
                    ops.axpy(w, f[first], (long) index(indexes, order, e, first) * rank, so, target, rank);
                } else {
                    ops.scale(w, f[first], (long) index(indexes, order, e, first) * rank, row, 0, rank);
                    for (int n = first + 1; n < last; n++) {
                        if (n != mode) {
                            ops.multiply(row, 0, f[n], (long) index(indexes, order, e, n) * rank, row, 0, rank);
                        }
                    }
                    ops.multiplyAdd(row, 0, f[last], (long) index(indexes, order, e, last) * rank, so, target, rank);
                }
            }
        });
    }

    // -------------------------------------------------------------------------------------- Tucker

    /**
     * Writes {@code u_from ⊗ ... ⊗ u_{to-1}} (rows {@code i_n} of the factors; the empty product is
     * {@code [1]}) into {@code dst} and returns its length. Expanded in place from the back, like
     * the Khatri-Rao product.
     */
    private long kronecker(MemorySegment[] u, int[] ranks, MemorySegment indexes, int order, int e, int from, int to,
                           MemorySegment dst) {
        dst.setAtIndex(D, 0, 1.0);
        long length = 1;
        for (int n = from; n < to; n++) {
            int r = ranks[n];
            long row = (long) index(indexes, order, e, n) * r;
            for (long a = length - 1; a >= 0; a--) {
                double scale = dst.getAtIndex(D, a);
                ops.scale(scale, u[n], row, dst, a * r, r);
            }
            length *= r;
        }
        return length;
    }

    void tuckerEvaluate(Tensor core, Tensor[] factors, Coordinates at, Tensor values) {
        int order = factors.length;
        MemorySegment indexes = at.segment(), sv = values.segment(), g = core.segment();
        MemorySegment[] u = segments(factors);
        int[] ranks = core.shape().dims();
        long coreSize = core.size();
        int r0 = ranks[0];
        long rest = r0 == 0 ? 0 : coreSize / r0;
        overEntries(at.count(), 2.0 * coreSize, (from, to) -> {
            MemorySegment kron = Workspace.current().get(Workspace.SCRATCH_1, rest);
            for (int e = from; e < to; e++) {
                double value = 0;
                if (coreSize > 0) {
                    long length = kronecker(u, ranks, indexes, order, e, 1, order, kron);
                    long row0 = (long) index(indexes, order, e, 0) * r0;
                    for (int a = 0; a < r0; a++) {
                        double inner = ops.dot(g, a * length, kron, 0, (int) length);
                        value = Math.fma(u[0].getAtIndex(D, row0 + a), inner, value);
                    }
                }
                sv.setAtIndex(D, e, value);
            }
        });
    }

    void tuckerScatterCore(Tensor[] factors, Coordinates at, Tensor weights, Tensor out) {
        out.fill(0);
        if (out.size() == 0) {
            return;
        }
        int order = factors.length;
        MemorySegment indexes = at.segment(), sw = weights.segment(), so = out.segment();
        MemorySegment[] u = segments(factors);
        int[] ranks = out.shape().dims();
        int r0 = ranks[0];
        long rest = out.size() / r0;
        int count = at.count();
        overRows(r0, 2.0 * count * out.size(), (lo, hi) -> {
            MemorySegment kron = Workspace.current().get(Workspace.SCRATCH_1, rest);
            for (int e = 0; e < count; e++) {
                long length = kronecker(u, ranks, indexes, order, e, 1, order, kron);
                double w = sw.getAtIndex(D, e);
                long row0 = (long) index(indexes, order, e, 0) * r0;
                for (int a = lo; a < hi; a++) {
                    ops.axpy(w * u[0].getAtIndex(D, row0 + a), kron, 0, so, a * length, (int) length);
                }
            }
        });
    }

    void tuckerScatterFactor(Tensor core, Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out) {
        out.fill(0);
        if (out.size() == 0 || core.size() == 0) {
            return;
        }
        int order = factors.length;
        MemorySegment indexes = at.segment(), sw = weights.segment(), so = out.segment(), g = core.segment();
        MemorySegment[] u = segments(factors);
        int[] ranks = core.shape().dims();
        int rm = ranks[mode];
        long front = core.shape().sizeOf(0, mode), back = core.shape().sizeOf(mode + 1, order);
        int count = at.count();
        overRows(out.dim(0), 2.0 * count * core.size(), (lo, hi) -> {
            Workspace mine = Workspace.current();
            MemorySegment f = mine.get(Workspace.SCRATCH_1, front);
            MemorySegment b = mine.get(Workspace.SCRATCH_2, back);
            MemorySegment v = mine.get(Workspace.SCRATCH_3, rm);
            for (int e = 0; e < count; e++) {
                int i = index(indexes, order, e, mode);
                if (i < lo || i >= hi) {
                    continue;
                }
                kronecker(u, ranks, indexes, order, e, 0, mode, f);
                kronecker(u, ranks, indexes, order, e, mode + 1, order, b);
                v.asSlice(0, (long) rm * Double.BYTES).fill((byte) 0);
                // The core as [front, R_mode, back]: v[r] = Σ_p f[p] Σ_q G[p][r][q]·b[q].
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
        });
    }

    // --------------------------------------------------------------------------------- tensor train

    /**
     * The row vector {@code G_0[i_0] ⋯ G_{k-1}[i_{k-1}]} for entry {@code e}, written into one of
     * {@code a}/{@code b} (ping-pong buffers); returns the buffer holding it. For {@code k = 0}, [1].
     */
    private MemorySegment leftProduct(MemorySegment[] g, int[][] shapes, MemorySegment indexes, int order, int e, int k,
                                      MemorySegment a, MemorySegment b) {
        MemorySegment row = a, next = b;
        row.setAtIndex(D, 0, 1.0);
        for (int c = 0; c < k; c++) {
            int rows = shapes[c][0], d = shapes[c][1], cols = shapes[c][2];
            int i = index(indexes, order, e, c);
            next.asSlice(0, (long) cols * Double.BYTES).fill((byte) 0);
            for (int r = 0; r < rows; r++) {
                ops.axpy(row.getAtIndex(D, r), g[c], ((long) r * d + i) * cols, next, 0, cols);
            }
            MemorySegment swap = row;
            row = next;
            next = swap;
        }
        return row;
    }

    /** The column vector {@code G_{k+1}[i_{k+1}] ⋯ G_{N-1}[i_{N-1}]}; for {@code k = N-1}, [1]. */
    private MemorySegment rightProduct(MemorySegment[] g, int[][] shapes, MemorySegment indexes, int order, int e, int k,
                                       MemorySegment a, MemorySegment b) {
        MemorySegment column = a, next = b;
        column.setAtIndex(D, 0, 1.0);
        for (int c = order - 1; c > k; c--) {
            int rows = shapes[c][0], d = shapes[c][1], cols = shapes[c][2];
            int i = index(indexes, order, e, c);
            for (int r = 0; r < rows; r++) {
                next.setAtIndex(D, r, ops.dot(g[c], ((long) r * d + i) * cols, column, 0, cols));
            }
            MemorySegment swap = column;
            column = next;
            next = swap;
        }
        return column;
    }

    void ttEvaluate(Tensor[] cores, Coordinates at, Tensor values) {
        int order = cores.length;
        MemorySegment indexes = at.segment(), sv = values.segment();
        MemorySegment[] g = segments(cores);
        int[][] shapes = shapes(cores);
        int maxRank = maxRank(shapes);
        double work = 0;
        for (int[] s : shapes) {
            work += 2.0 * s[0] * s[2];
        }
        overEntries(at.count(), work, (from, to) -> {
            Workspace mine = Workspace.current();
            MemorySegment a = mine.get(Workspace.SCRATCH_1, maxRank), b = mine.get(Workspace.SCRATCH_2, maxRank);
            for (int e = from; e < to; e++) {
                sv.setAtIndex(D, e, leftProduct(g, shapes, indexes, order, e, order, a, b).getAtIndex(D, 0));
            }
        });
    }

    void ttScatterCore(Tensor[] cores, int k, Coordinates at, Tensor weights, Tensor out) {
        out.fill(0);
        int order = cores.length;
        MemorySegment indexes = at.segment(), sw = weights.segment(), so = out.segment();
        MemorySegment[] g = segments(cores);
        int[][] shapes = shapes(cores);
        int maxRank = maxRank(shapes);
        int rows = shapes[k][0], d = shapes[k][1], cols = shapes[k][2];
        int count = at.count();
        double work = 0;
        for (int[] s : shapes) {
            work += 2.0 * s[0] * s[2];
        }
        overRows(d, count * work, (lo, hi) -> {
            Workspace mine = Workspace.current();
            MemorySegment a = mine.get(Workspace.SCRATCH_1, maxRank), b = mine.get(Workspace.SCRATCH_2, maxRank);
            MemorySegment c = mine.get(Workspace.SCRATCH_3, maxRank), dd = mine.get(Workspace.SCRATCH_4, maxRank);
            for (int e = 0; e < count; e++) {
                int i = index(indexes, order, e, k);
                if (i < lo || i >= hi) {
                    continue;
                }
                MemorySegment left = leftProduct(g, shapes, indexes, order, e, k, a, b);
                MemorySegment right = rightProduct(g, shapes, indexes, order, e, k, c, dd);
                double w = sw.getAtIndex(D, e);
                for (int r = 0; r < rows; r++) {
                    ops.axpy(w * left.getAtIndex(D, r), right, 0, so, ((long) r * d + i) * cols, cols);
                }
            }
        });
    }

    // ------------------------------------------------------------------------------------- helpers

    private static MemorySegment[] segments(Tensor[] tensors) {
        MemorySegment[] segments = new MemorySegment[tensors.length];
        for (int n = 0; n < tensors.length; n++) {
            segments[n] = tensors[n] == null ? null : tensors[n].segment();
        }
        return segments;
    }

    private static int[][] shapes(Tensor[] cores) {
        int[][] shapes = new int[cores.length][];
        for (int k = 0; k < cores.length; k++) {
            shapes[k] = cores[k].shape().dims();
        }
        return shapes;
    }

    private static int maxRank(int[][] shapes) {
        int max = 1;
        for (int[] s : shapes) {
            max = Math.max(max, Math.max(s[0], s[2]));
        }
        return max;
    }
}
