package deeptensor.internal.kernel.simd;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.VectorSpecies;

/**
 * General matrix multiply on strided views of segments: the split of large products between
 * threads here, the arithmetic in {@link BlockedGemm}, of which there is one copy per vector species
 * (see {@link Specialized}; lambdas live here because a hidden copy cannot capture its own type).
 */
abstract class Gemm {

    private final Parallel parallel;

    Gemm(Parallel parallel) {
        this.parallel = parallel;
    }

    /**
     * The GEMM for {@code species}, splitting large products over {@code parallel}'s threads, with
     * register tiles for a file of 16 vector registers ({@code narrowTiles}: AVX2) or 32 (AVX-512).
     */
    static Gemm create(VectorSpecies<Double> species, Parallel parallel, boolean narrowTiles) {
        return Specialized.create(BlockedGemm.class, Gemm.class, species, Setup.class, new Setup(parallel, narrowTiles));
    }

    /**
     * What a GEMM is built with (one argument, as {@link Specialized} constructs every copy).
     *
     * @param parallel the threads large products are split over
     * @param narrowTiles register tiles of at most 12 accumulators (for 16 vector registers)
     *     instead of 16 (for 32)
     */
    record Setup(Parallel parallel, boolean narrowTiles) {
    }

    /** Doubles per vector. */
    abstract int lanes();

    /** {@link #multiply} on the calling thread. */
    abstract void serial(int m, int n, int k, double alpha,
                         MemorySegment a, long aOff, long ars, long acs,
                         MemorySegment b, long bOff, long brs, long bcs,
                         double beta, MemorySegment c, long cOff, long ldc);

    /**
     * {@code C = alpha·A·B + beta·C} for an {@code m × k} A and {@code k × n} B. Element
     * {@code A[i][p]} is at {@code aOff + i·ars + p·acs} (in doubles), {@code B[p][j]} at
     * {@code bOff + p·brs + j·bcs}; C is row-major with row stride {@code ldc}. {@code beta == 0}
     * overwrites C without reading it; {@code alpha == 0} reads neither A nor B. When {@code maySplit} and the product is large, ranges of
     * columns (when C is wider than tall) or rows of C go to several threads.
     */
    final void multiply(int m, int n, int k, double alpha,
                        MemorySegment a, long aOff, long ars, long acs,
                        MemorySegment b, long bOff, long brs, long bcs,
                        double beta, MemorySegment c, long cOff, long ldc, boolean maySplit) {
        if (m == 0 || n == 0) {
            return;
        }
        if (maySplit && parallel.worthSplitting(2.0 * m * n * k)) {
            int t = parallel.threads();
            int unit = 4 * lanes();
            // Columns when C is wide: every chunk then packs only its own part of B.
            if (n >= m && n >= 2 * unit) {
                int chunks = Math.max(2, Math.min(4 * t, n / unit));
                int cols = roundUp((n + chunks - 1) / chunks, unit);
                int count = (n + cols - 1) / cols;
                parallel.forEach(count, chunk -> {
                    int j0 = chunk * cols, nj = Math.min(cols, n - j0);
                    serial(m, nj, k, alpha, a, aOff, ars, acs, b, bOff + j0 * bcs, brs, bcs,
                            beta, c, cOff + j0, ldc);
                });
                return;
            }
            if (m >= 16 * t) {
                // Rows: each chunk packs B again, which costs 1/(2·rows) of its flops.
                int chunks = Math.max(2, Math.min(4 * t, m / 16));
                int rows = roundUp((m + chunks - 1) / chunks, 8);
                int count = (m + rows - 1) / rows;
                parallel.forEach(count, chunk -> {
                    int i0 = chunk * rows, mi = Math.min(rows, m - i0);
                    serial(mi, n, k, alpha, a, aOff + i0 * ars, ars, acs, b, bOff, brs, bcs,
                            beta, c, cOff + i0 * ldc, ldc);
                });
                return;
            }
        }
        serial(m, n, k, alpha, a, aOff, ars, acs, b, bOff, brs, bcs, beta, c, cOff, ldc);
    }

    private static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }
}
