package deeptensor.kernel.simd;

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

    /** {@code Σ x}. */
    abstract double sum(MemorySegment x, long xOff, int n);
}
