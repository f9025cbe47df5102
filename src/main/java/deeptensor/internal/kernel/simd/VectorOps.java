package deeptensor.internal.kernel.simd;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise loops over runs of doubles in segments (offsets and lengths in elements), the
 * building blocks of the kernels that are not GEMMs; {@link LaneLoops} is the implementation, one
 * copy per vector species (see {@link Specialized}). Tails shorter than a vector run as scalar
 * code, so nothing outside {@code [offset, offset + n)} is touched.
 */
abstract class VectorOps {

    /** The loops for {@code species}. */
    static VectorOps create(VectorSpecies<Double> species) {
        return Specialized.create(LaneLoops.class, VectorOps.class, species, Object.class, null);
    }

    /** {@code out = x ⊙ y} (out may be x or y). */
    abstract void multiply(MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment out, long outOff, int n);

    /** {@code out += x ⊙ y}. */
    abstract void multiplyAdd(MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment out, long outOff, int n);

    /** {@code y += alpha · x}. */
    abstract void axpy(double alpha, MemorySegment x, long xOff, MemorySegment y, long yOff, int n);

    /** {@code out = alpha · x} (out may be x). */
    abstract void scale(double alpha, MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    /** {@code Σ x ⊙ y}. */
    abstract double dot(MemorySegment x, long xOff, MemorySegment y, long yOff, int n);

    /**
     * {@code Σ (x ⊙ y) ⊙ z}, with the products {@code x ⊙ y} rounded as {@link #multiply} rounds
     * them and the sum taken as {@link #dot} takes it: bit for bit the same as multiplying into a
     * scratch row and taking its dot product with {@code z}, without the round trip through memory
     * (the evaluation of an order-3 CP model at an entry).
     */
    abstract double tripleDot(MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment z, long zOff, int n);

    /** {@code Σ x}. */
    abstract double sum(MemorySegment x, long xOff, int n);

    /**
     * {@code out[c] = Σ_r row[r] · m[mOff + r·stride + c]} for {@code c < cols}: a row vector times a
     * {@code rows × cols} matrix whose rows lie {@code stride} apart. The sums stay in registers
     * (one pass over the rows per block of up to four vectors of columns), and each column adds
     * its terms in row order with one fused multiply-add each — the same arithmetic, bit for bit, as
     * zeroing {@code out} and calling {@link #axpy} once per row. {@code out} must not overlap the inputs.
     */
    abstract void rowTimesMatrix(MemorySegment row, long rowOff, int rows, MemorySegment m, long mOff, long stride,
                                 MemorySegment out, long outOff, int cols);
}
