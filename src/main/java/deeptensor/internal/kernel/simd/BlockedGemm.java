package deeptensor.internal.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C = alpha·A·B + beta·C} on strided views of segments, the way fast BLAS libraries do it:
 * blocked for the caches, B packed into contiguous panels, and a register-blocked micro-kernel that
 * keeps a tile of C in vector accumulators (sixteen, or twelve for a 16-register file) and updates it with fused multiply-adds.
 *
 * <h2>Layout</h2>
 * Element {@code A[i][p]} is at {@code aOff + i·ars + p·acs} (in doubles), likewise {@code B[p][j]}
 * at {@code bOff + p·brs + j·bcs}; C is row-major with row stride {@code ldc}. Any transposition
 * of A or B is therefore just a choice of strides, and a mode-n product can address slices of a
 * tensor in place.
 *
 * <h2>Blocking</h2>
 * Vectors run along the columns of C (its contiguous axis). The loops are: column panels of
 * {@value #NC}, depth blocks of {@value #KC} (the packed B panel, {@code KC × NC}, stays in L2), row
 * blocks, then strips of the panel (one packed strip, {@code KC × 4 vectors}, is reused while the
 * micro-kernel sweeps the rows of the block). Each B
 * strip is 4, 2 or 1 vectors wide (chosen so that little of the last strip is padding); the matching
 * micro-kernels update 4×4, 8×2 and 8×1 vector tiles. Optional narrow tiles for a file of 16 vector
 * registers (AVX2) keep strips at most 2 vectors wide with 6×2 and 8×1 tiles (see
 * {@link #narrowTiles}); measured, they have not beaten the wide ones yet, so they are off by default. A is not packed: the kernels broadcast its
 * elements straight from memory, which is what the mode products need (A is either the small
 * factor matrix or the tensor itself read row by row), and it spares a transposing copy.
 *
 * <h2>Tails</h2>
 * Columns past {@code n} are zero in the packed strip and are never stored (masked stores); rows
 * past {@code m} re-read the last valid row of A and are never stored. Nothing outside the
 * operands' extents is read or written.
 *
 * <h2>Rounding</h2>
 * Each element of C is {@code Σ_p A[i][p]·B[p][j]} accumulated in increasing {@code p} with one
 * FMA per term, scaled by alpha at the end of each depth block: the order per element does not
 * depend on how the rows or columns are split between threads, so split and unsplit results are
 * identical.
 */
final class BlockedGemm extends Gemm {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /**
     * Depth of a block. Measured on the mode products of 128³ and 256³ tensors (ranks 32 and 64):
     * 256 beat 128 by up to 25 % on the last mode (C is read back half as often) and was never
     * slower, although a 4-vector B strip is then 64 KiB and lives in L2 rather than L1.
     */
    static final int KC = 256;
    /** Rows of C per block. */
    static final int MC = 256;
    /**
     * Columns of C per packed B panel: 1 MiB at {@link #KC} deep, so that the panel and the C block
     * stay in L2. Widths from 256 to 2048 measured within noise of each other on the 128³ and 256³
     * mode products; 512 is the middle.
     */
    static final int NC = 512;

    /** The species: a constant in each copy of this class (see {@link Specialized}). */
    private static final VectorSpecies<Double> S = Specialized.species(MethodHandles.lookup());
    private static final int LANES = S.length();
    private static final long VECTOR_BYTES = (long) LANES * Double.BYTES;

    /**
     * Register tiles for 16 vector registers (AVX2): B strips of at most 2 vectors and a 6×2 tile
     * (12 accumulators, 2 B vectors and the broadcast: 15 registers) instead of the 4×4 and 8×2
     * tiles (16 accumulators, which with their B vectors and broadcast need 21 registers and spill
     * on a 16-register file). Each element of C is the same sum in the same order either way, so
     * the results are identical; only the speed differs.
     */
    private final boolean narrowTiles;

    BlockedGemm(Setup setup) {
        super(setup.parallel());
        this.narrowTiles = setup.narrowTiles();
    }

    @Override
    int lanes() {
        return LANES;
    }

    /** Vectors in the next B strip when {@code remaining} columns are left. */
    private int stripVectors(int remaining) {
        return remaining >= 4 * LANES && !narrowTiles ? 4 : remaining > LANES ? 2 : 1;
    }

    @Override
    void serial(int m, int n, int k, double alpha,
                MemorySegment a, long aOff, long ars, long acs,
                MemorySegment b, long bOff, long brs, long bcs,
                double beta, MemorySegment c, long cOff, long ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {
            scale(m, n, beta, c, cOff, ldc); // alpha = 0: A and B are not read, as in BLAS
            return;
        }
        int ncMax = Math.min(NC, n);
        int kcMax = Math.min(KC, k);
        Workspace workspace = Workspace.current();
        MemorySegment packed = workspace.get(Workspace.PACK_B, (long) kcMax * (ncMax + 4L * LANES));
        MemorySegment tile = workspace.get(Workspace.TILE, 16L * LANES);
        long arsB = ars * Double.BYTES, acsB = acs * Double.BYTES, ldcB = ldc * Double.BYTES;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                double blockBeta = pc == 0 ? beta : 1.0;
                pack(b, (bOff + pc * brs + jc * bcs) * Double.BYTES, brs, bcs, kc, nc, packed);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    long strip = 0;
                    for (int j0 = 0; j0 < nc; ) {
                        int vectors = stripVectors(nc - j0);
                        int width = vectors * LANES;
                        int valid = Math.min(width, nc - j0);
                        int mr = vectors == 4 ? 4 : vectors == 2 && narrowTiles ? 6 : 8;
                        for (int i0 = 0; i0 < mc; i0 += mr) {
                            int rows = Math.min(mr, mc - i0);
                            long aAt = (aOff + (ic + i0) * ars + pc * acs) * Double.BYTES;
                            long cAt = (cOff + (ic + i0) * ldc + jc + j0) * Double.BYTES;
                            switch (vectors) {
                                case 4 -> kernel4x4(kc, tile, a, aAt, arsB, acsB, rows, packed, strip, c, cAt, ldcB, valid, alpha, blockBeta);
                                case 2 -> {
                                    if (narrowTiles) {
                                        kernel6x2(kc, tile, a, aAt, arsB, acsB, rows, packed, strip, c, cAt, ldcB, valid, alpha, blockBeta);
                                    } else {
                                        kernel8x2(kc, tile, a, aAt, arsB, acsB, rows, packed, strip, c, cAt, ldcB, valid, alpha, blockBeta);
                                    }
                                }
                                default -> kernel8x1(kc, tile, a, aAt, arsB, acsB, rows, packed, strip, c, cAt, ldcB, valid, alpha, blockBeta);
                            }
                        }
                        strip += (long) kc * width * Double.BYTES;
                        j0 += width;
                    }
                }
            }
        }
    }

    /** {@code C = beta·C} (zero when beta is 0, without reading C): the product with an empty inner dimension or alpha = 0. */
    private static void scale(int m, int n, double beta, MemorySegment c, long cOff, long ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long at = (cOff + i * ldc + j) * Double.BYTES;
                c.set(D, at, beta == 0 ? 0.0 : beta * c.get(D, at));
            }
        }
    }

    /**
     * Packs rows {@code 0..kc-1}, columns {@code 0..nc-1} of B (starting at byte {@code from}) into
     * strips of 4, 2 or 1 vectors: strip by strip, row by row, zero-padded to the strip width.
     */
    private void pack(MemorySegment b, long from, long brs, long bcs, int kc, int nc, MemorySegment packed) {
        VectorSpecies<Double> s = S;
        long brsB = brs * Double.BYTES, bcsB = bcs * Double.BYTES;
        long to = 0;
        for (int j0 = 0; j0 < nc; ) {
            int vectors = stripVectors(nc - j0);
            int width = vectors * LANES;
            int valid = Math.min(width, nc - j0);
            if (bcs == 1 && valid == width) {
                // Rows of a full strip are contiguous in B: plain vector copies. (Each branch stores
                // its own vector: merging vectors from different branches would make the JIT box them.)
                long src = from + j0 * Double.BYTES;
                for (int p = 0; p < kc; p++, src += brsB) {
                    for (int v = 0; v < vectors; v++, to += VECTOR_BYTES) {
                        DoubleVector.fromMemorySegment(s, b, src + v * VECTOR_BYTES, NATIVE).intoMemorySegment(packed, to, NATIVE);
                    }
                }
            } else if (bcs == 1) {
                // The right edge: masked loads, zeros past the last column.
                long src = from + j0 * Double.BYTES;
                for (int p = 0; p < kc; p++, src += brsB) {
                    for (int v = 0; v < vectors; v++, to += VECTOR_BYTES) {
                        int cols = valid - v * LANES;
                        if (cols >= LANES) {
                            DoubleVector.fromMemorySegment(s, b, src + v * VECTOR_BYTES, NATIVE).intoMemorySegment(packed, to, NATIVE);
                        } else if (cols > 0) {
                            DoubleVector.fromMemorySegment(s, b, src + v * VECTOR_BYTES, NATIVE, s.indexInRange(0, cols))
                                    .intoMemorySegment(packed, to, NATIVE);
                        } else {
                            DoubleVector.zero(s).intoMemorySegment(packed, to, NATIVE);
                        }
                    }
                }
            } else {
                // Strided columns (a transposed B): walk each column of the strip along B's memory.
                long stripBytes = (long) width * Double.BYTES;
                for (int t = 0; t < width; t++) {
                    long dst = to + t * Double.BYTES;
                    if (t < valid) {
                        long src = from + (j0 + t) * bcsB;
                        for (int p = 0; p < kc; p++, src += brsB, dst += stripBytes) {
                            packed.set(D, dst, b.get(D, src));
                        }
                    } else {
                        for (int p = 0; p < kc; p++, dst += stripBytes) {
                            packed.set(D, dst, 0.0);
                        }
                    }
                }
                to += (long) kc * stripBytes;
            }
            j0 += width;
        }
    }

    // ------------------------------------------------------------------------------ micro-kernels
    // Accumulators are named locals (not arrays) so that the JIT keeps them in vector registers.

    private void kernel4x4(int kc, MemorySegment tile, MemorySegment a, long a0, long ars, long acs, int rows,
                           MemorySegment pb, long bo, MemorySegment c, long co, long ldc, int valid,
                           double alpha, double beta) {
        VectorSpecies<Double> s = S;
        long vb = VECTOR_BYTES;
        long a1 = a0 + Math.min(1, rows - 1) * ars;
        long a2 = a0 + Math.min(2, rows - 1) * ars;
        long a3 = a0 + Math.min(3, rows - 1) * ars;
        DoubleVector c00 = DoubleVector.zero(s), c01 = c00, c02 = c00, c03 = c00;
        DoubleVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        DoubleVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        DoubleVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int p = 0; p < kc; p++) {
            DoubleVector b0 = DoubleVector.fromMemorySegment(s, pb, bo, NATIVE);
            DoubleVector b1 = DoubleVector.fromMemorySegment(s, pb, bo + vb, NATIVE);
            DoubleVector b2 = DoubleVector.fromMemorySegment(s, pb, bo + 2 * vb, NATIVE);
            DoubleVector b3 = DoubleVector.fromMemorySegment(s, pb, bo + 3 * vb, NATIVE);
            DoubleVector x = DoubleVector.broadcast(s, a.get(D, a0));
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = DoubleVector.broadcast(s, a.get(D, a1));
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = DoubleVector.broadcast(s, a.get(D, a2));
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = DoubleVector.broadcast(s, a.get(D, a3));
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
            a0 += acs;
            a1 += acs;
            a2 += acs;
            a3 += acs;
            bo += 4 * vb;
        }
        c00.intoMemorySegment(tile, 0, NATIVE);
        c01.intoMemorySegment(tile, vb, NATIVE);
        c02.intoMemorySegment(tile, 2 * vb, NATIVE);
        c03.intoMemorySegment(tile, 3 * vb, NATIVE);
        c10.intoMemorySegment(tile, 4 * vb, NATIVE);
        c11.intoMemorySegment(tile, 5 * vb, NATIVE);
        c12.intoMemorySegment(tile, 6 * vb, NATIVE);
        c13.intoMemorySegment(tile, 7 * vb, NATIVE);
        c20.intoMemorySegment(tile, 8 * vb, NATIVE);
        c21.intoMemorySegment(tile, 9 * vb, NATIVE);
        c22.intoMemorySegment(tile, 10 * vb, NATIVE);
        c23.intoMemorySegment(tile, 11 * vb, NATIVE);
        c30.intoMemorySegment(tile, 12 * vb, NATIVE);
        c31.intoMemorySegment(tile, 13 * vb, NATIVE);
        c32.intoMemorySegment(tile, 14 * vb, NATIVE);
        c33.intoMemorySegment(tile, 15 * vb, NATIVE);
        merge(tile, 4 * LANES, rows, valid, c, co, ldc, alpha, beta);
    }

    private void kernel8x2(int kc, MemorySegment tile, MemorySegment a, long a0, long ars, long acs, int rows,
                           MemorySegment pb, long bo, MemorySegment c, long co, long ldc, int valid,
                           double alpha, double beta) {
        VectorSpecies<Double> s = S;
        long vb = VECTOR_BYTES;
        long a1 = a0 + Math.min(1, rows - 1) * ars;
        long a2 = a0 + Math.min(2, rows - 1) * ars;
        long a3 = a0 + Math.min(3, rows - 1) * ars;
        long a4 = a0 + Math.min(4, rows - 1) * ars;
        long a5 = a0 + Math.min(5, rows - 1) * ars;
        long a6 = a0 + Math.min(6, rows - 1) * ars;
        long a7 = a0 + Math.min(7, rows - 1) * ars;
        DoubleVector c00 = DoubleVector.zero(s), c01 = c00, c10 = c00, c11 = c00;
        DoubleVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        DoubleVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        DoubleVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            DoubleVector b0 = DoubleVector.fromMemorySegment(s, pb, bo, NATIVE);
            DoubleVector b1 = DoubleVector.fromMemorySegment(s, pb, bo + vb, NATIVE);
            DoubleVector x = DoubleVector.broadcast(s, a.get(D, a0));
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(s, a.get(D, a1));
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(s, a.get(D, a2));
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(s, a.get(D, a3));
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(s, a.get(D, a4));
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = DoubleVector.broadcast(s, a.get(D, a5));
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = DoubleVector.broadcast(s, a.get(D, a6));
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = DoubleVector.broadcast(s, a.get(D, a7));
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            a0 += acs;
            a1 += acs;
            a2 += acs;
            a3 += acs;
            a4 += acs;
            a5 += acs;
            a6 += acs;
            a7 += acs;
            bo += 2 * vb;
        }
        c00.intoMemorySegment(tile, 0, NATIVE);
        c01.intoMemorySegment(tile, vb, NATIVE);
        c10.intoMemorySegment(tile, 2 * vb, NATIVE);
        c11.intoMemorySegment(tile, 3 * vb, NATIVE);
        c20.intoMemorySegment(tile, 4 * vb, NATIVE);
        c21.intoMemorySegment(tile, 5 * vb, NATIVE);
        c30.intoMemorySegment(tile, 6 * vb, NATIVE);
        c31.intoMemorySegment(tile, 7 * vb, NATIVE);
        c40.intoMemorySegment(tile, 8 * vb, NATIVE);
        c41.intoMemorySegment(tile, 9 * vb, NATIVE);
        c50.intoMemorySegment(tile, 10 * vb, NATIVE);
        c51.intoMemorySegment(tile, 11 * vb, NATIVE);
        c60.intoMemorySegment(tile, 12 * vb, NATIVE);
        c61.intoMemorySegment(tile, 13 * vb, NATIVE);
        c70.intoMemorySegment(tile, 14 * vb, NATIVE);
        c71.intoMemorySegment(tile, 15 * vb, NATIVE);
        merge(tile, 2 * LANES, rows, valid, c, co, ldc, alpha, beta);
    }

    /** The 2-vector tile for 16 registers: 6 rows, 12 accumulators. */
    private void kernel6x2(int kc, MemorySegment tile, MemorySegment a, long a0, long ars, long acs, int rows,
                           MemorySegment pb, long bo, MemorySegment c, long co, long ldc, int valid,
                           double alpha, double beta) {
        VectorSpecies<Double> s = S;
        long vb = VECTOR_BYTES;
        long a1 = a0 + Math.min(1, rows - 1) * ars;
        long a2 = a0 + Math.min(2, rows - 1) * ars;
        long a3 = a0 + Math.min(3, rows - 1) * ars;
        long a4 = a0 + Math.min(4, rows - 1) * ars;
        long a5 = a0 + Math.min(5, rows - 1) * ars;
        DoubleVector c00 = DoubleVector.zero(s), c01 = c00, c10 = c00, c11 = c00;
        DoubleVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        DoubleVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++) {
            DoubleVector b0 = DoubleVector.fromMemorySegment(s, pb, bo, NATIVE);
            DoubleVector b1 = DoubleVector.fromMemorySegment(s, pb, bo + vb, NATIVE);
            DoubleVector x = DoubleVector.broadcast(s, a.get(D, a0));
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(s, a.get(D, a1));
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(s, a.get(D, a2));
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(s, a.get(D, a3));
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(s, a.get(D, a4));
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = DoubleVector.broadcast(s, a.get(D, a5));
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            a0 += acs;
            a1 += acs;
            a2 += acs;
            a3 += acs;
            a4 += acs;
            a5 += acs;
            bo += 2 * vb;
        }
        c00.intoMemorySegment(tile, 0, NATIVE);
        c01.intoMemorySegment(tile, vb, NATIVE);
        c10.intoMemorySegment(tile, 2 * vb, NATIVE);
        c11.intoMemorySegment(tile, 3 * vb, NATIVE);
        c20.intoMemorySegment(tile, 4 * vb, NATIVE);
        c21.intoMemorySegment(tile, 5 * vb, NATIVE);
        c30.intoMemorySegment(tile, 6 * vb, NATIVE);
        c31.intoMemorySegment(tile, 7 * vb, NATIVE);
        c40.intoMemorySegment(tile, 8 * vb, NATIVE);
        c41.intoMemorySegment(tile, 9 * vb, NATIVE);
        c50.intoMemorySegment(tile, 10 * vb, NATIVE);
        c51.intoMemorySegment(tile, 11 * vb, NATIVE);
        merge(tile, 2 * LANES, rows, valid, c, co, ldc, alpha, beta);
    }

    private void kernel8x1(int kc, MemorySegment tile, MemorySegment a, long a0, long ars, long acs, int rows,
                           MemorySegment pb, long bo, MemorySegment c, long co, long ldc, int valid,
                           double alpha, double beta) {
        VectorSpecies<Double> s = S;
        long vb = VECTOR_BYTES;
        long a1 = a0 + Math.min(1, rows - 1) * ars;
        long a2 = a0 + Math.min(2, rows - 1) * ars;
        long a3 = a0 + Math.min(3, rows - 1) * ars;
        long a4 = a0 + Math.min(4, rows - 1) * ars;
        long a5 = a0 + Math.min(5, rows - 1) * ars;
        long a6 = a0 + Math.min(6, rows - 1) * ars;
        long a7 = a0 + Math.min(7, rows - 1) * ars;
        DoubleVector c0 = DoubleVector.zero(s), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < kc; p++) {
            DoubleVector b0 = DoubleVector.fromMemorySegment(s, pb, bo, NATIVE);
            c0 = DoubleVector.broadcast(s, a.get(D, a0)).fma(b0, c0);
            c1 = DoubleVector.broadcast(s, a.get(D, a1)).fma(b0, c1);
            c2 = DoubleVector.broadcast(s, a.get(D, a2)).fma(b0, c2);
            c3 = DoubleVector.broadcast(s, a.get(D, a3)).fma(b0, c3);
            c4 = DoubleVector.broadcast(s, a.get(D, a4)).fma(b0, c4);
            c5 = DoubleVector.broadcast(s, a.get(D, a5)).fma(b0, c5);
            c6 = DoubleVector.broadcast(s, a.get(D, a6)).fma(b0, c6);
            c7 = DoubleVector.broadcast(s, a.get(D, a7)).fma(b0, c7);
            a0 += acs;
            a1 += acs;
            a2 += acs;
            a3 += acs;
            a4 += acs;
            a5 += acs;
            a6 += acs;
            a7 += acs;
            bo += vb;
        }
        c0.intoMemorySegment(tile, 0, NATIVE);
        c1.intoMemorySegment(tile, vb, NATIVE);
        c2.intoMemorySegment(tile, 2 * vb, NATIVE);
        c3.intoMemorySegment(tile, 3 * vb, NATIVE);
        c4.intoMemorySegment(tile, 4 * vb, NATIVE);
        c5.intoMemorySegment(tile, 5 * vb, NATIVE);
        c6.intoMemorySegment(tile, 6 * vb, NATIVE);
        c7.intoMemorySegment(tile, 7 * vb, NATIVE);
        merge(tile, LANES, rows, valid, c, co, ldc, alpha, beta);
    }

    /**
     * {@code C = alpha·tile + beta·C} for the valid {@code rows × valid} part of a tile that a
     * micro-kernel left in {@code tile} (row-major, {@code width} wide). Accumulators go through
     * this small buffer rather than being passed as arguments: vectors that cross a method boundary
     * are boxed by the JIT, and a kernel that stored them in place would grow too large to compile.
     */
    private void merge(MemorySegment tile, int width, int rows, int valid, MemorySegment c, long co, long ldc,
                       double alpha, double beta) {
        VectorSpecies<Double> s = S;
        long tileRow = (long) width * Double.BYTES;
        for (int i = 0; i < rows; i++, co += ldc) {
            long from = i * tileRow;
            for (int j = 0; j < valid; j += LANES) {
                long t = from + (long) j * Double.BYTES, at = co + (long) j * Double.BYTES;
                DoubleVector r = DoubleVector.fromMemorySegment(s, tile, t, NATIVE);
                if (alpha != 1.0) {
                    r = r.mul(alpha);
                }
                if (valid - j >= LANES) {
                    if (beta == 1.0) {
                        r = r.add(DoubleVector.fromMemorySegment(s, c, at, NATIVE));
                    } else if (beta != 0) {
                        r = DoubleVector.fromMemorySegment(s, c, at, NATIVE).fma(DoubleVector.broadcast(s, beta), r);
                    }
                    r.intoMemorySegment(c, at, NATIVE);
                } else {
                    VectorMask<Double> mask = s.indexInRange(0, valid - j);
                    if (beta == 1.0) {
                        r = r.add(DoubleVector.fromMemorySegment(s, c, at, NATIVE, mask));
                    } else if (beta != 0) {
                        r = DoubleVector.fromMemorySegment(s, c, at, NATIVE, mask).fma(DoubleVector.broadcast(s, beta), r);
                    }
                    r.intoMemorySegment(c, at, NATIVE, mask);
                }
            }
        }
    }
}
