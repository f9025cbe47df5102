package deeptensor.internal.kernel.simd;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The kernels that only move data: unfold, fold, gather and scatter. SIMD cannot win here (there is
 * no arithmetic, and the index patterns are permutations or random accesses), so these are plain
 * loops that copy contiguous runs in bulk where the layout has them. They are single-threaded: they
 * are bound by memory, which one core already saturates on this kind of machine.
 */
final class Permutations {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    /** Runs shorter than this are copied element by element (a bulk copy has a fixed cost). */
    private static final long BULK = 16;

    private Permutations() {
    }

    /**
     * {@code out[i][l·right + q] = x[l][i][q]} with x viewed as {@code [left, I, right]}: TensorLy's
     * unfolding, whose columns list the other modes in order with the last fastest.
     */
    static void unfold(Tensor x, int mode, Tensor out) {
        move(x.shape(), mode, x.segment(), out.segment(), true);
    }

    /** The inverse of {@link #unfold}. */
    static void fold(Tensor matrix, int mode, Tensor out) {
        move(out.shape(), mode, matrix.segment(), out.segment(), false);
    }

    /** Copies between the tensor layout and the unfolding; {@code toMatrix} says which way. */
    private static void move(Shape shape, int mode, MemorySegment from, MemorySegment to, boolean toMatrix) {
        long left = shape.sizeOf(0, mode), right = shape.sizeOf(mode + 1, shape.order());
        int in = shape.dim(mode);
        long columns = left * right;
        for (long l = 0; l < left; l++) {
            for (int i = 0; i < in; i++) {
                long tensorAt = (l * in + i) * right, matrixAt = i * columns + l * right;
                long src = toMatrix ? tensorAt : matrixAt, dst = toMatrix ? matrixAt : tensorAt;
                if (right >= BULK) {
                    MemorySegment.copy(from, src * Double.BYTES, to, dst * Double.BYTES, right * Double.BYTES);
                } else {
                    for (long q = 0; q < right; q++) {
                        to.setAtIndex(D, dst + q, from.getAtIndex(D, src + q));
                    }
                }
            }
        }
    }

    /** Row-major offset of entry {@code e} (Horner's rule over the mode sizes). */
    static long offset(MemorySegment indexes, int e, Shape shape) {
        int order = shape.order();
        long base = (long) e * order, offset = 0;
        for (int n = 0; n < order; n++) {
            offset = offset * shape.dim(n) + indexes.getAtIndex(I, base + n);
        }
        return offset;
    }

    /** {@code values[e] = x[at_e]}. */
    static void gather(Tensor x, Coordinates at, Tensor values) {
        MemorySegment sx = x.segment(), sv = values.segment(), indexes = at.segment();
        Shape shape = x.shape();
        for (int e = 0; e < at.count(); e++) {
            sv.setAtIndex(D, e, sx.getAtIndex(D, offset(indexes, e, shape)));
        }
    }

    /** {@code out = Σ_e weights[e]·δ(at_e)}, repeated coordinates adding up in entry order. */
    static void scatter(Coordinates at, Tensor weights, Tensor out) {
        out.fill(0);
        MemorySegment so = out.segment(), sw = weights.segment(), indexes = at.segment();
        Shape shape = out.shape();
        for (int e = 0; e < at.count(); e++) {
            long offset = offset(indexes, e, shape);
            so.setAtIndex(D, offset, so.getAtIndex(D, offset) + sw.getAtIndex(D, e));
        }
    }
}
