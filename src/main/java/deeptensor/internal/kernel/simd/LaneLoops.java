package deeptensor.internal.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link VectorOps} loops with the species as a constant. Reductions keep one vector of
 * partial sums (lane {@code l} sums elements {@code l, l+L, ...}) and add the lanes at the end, then
 * the scalar tail: a different order from a left-to-right sum, within the documented bound.
 */
final class LaneLoops extends VectorOps {

    private static final VectorSpecies<Double> S = Specialized.species(MethodHandles.lookup());
    private static final int LANES = S.length();
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /** The argument is unused: {@link Specialized} constructs every copy with one argument. */
    LaneLoops(Object unused) {
    }

    private static DoubleVector load(MemorySegment s, long element) {
        return DoubleVector.fromMemorySegment(S, s, element * Double.BYTES, NATIVE);
    }

    private static double get(MemorySegment s, long element) {
        return s.getAtIndex(D, element);
    }

    private static void set(MemorySegment s, long element, double value) {
        s.setAtIndex(D, element, value);
    }

    @Override
    void multiply(MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment out, long outOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += LANES) {
            load(x, xOff + i).mul(load(y, yOff + i)).intoMemorySegment(out, (outOff + i) * Double.BYTES, NATIVE);
        }
        for (; i < n; i++) {
            set(out, outOff + i, get(x, xOff + i) * get(y, yOff + i));
        }
    }

    @Override
    void multiplyAdd(MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment out, long outOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += LANES) {
            load(x, xOff + i).fma(load(y, yOff + i), load(out, outOff + i))
                    .intoMemorySegment(out, (outOff + i) * Double.BYTES, NATIVE);
        }
        for (; i < n; i++) {
            set(out, outOff + i, Math.fma(get(x, xOff + i), get(y, yOff + i), get(out, outOff + i)));
        }
    }

    @Override
    void axpy(double alpha, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        int i = 0;
        DoubleVector a = DoubleVector.broadcast(S, alpha);
        for (int bound = S.loopBound(n); i < bound; i += LANES) {
            load(x, xOff + i).fma(a, load(y, yOff + i)).intoMemorySegment(y, (yOff + i) * Double.BYTES, NATIVE);
        }
        for (; i < n; i++) {
            set(y, yOff + i, Math.fma(get(x, xOff + i), alpha, get(y, yOff + i)));
        }
    }

    @Override
    void scale(double alpha, MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += LANES) {
            load(x, xOff + i).mul(alpha).intoMemorySegment(out, (outOff + i) * Double.BYTES, NATIVE);
        }
        for (; i < n; i++) {
            set(out, outOff + i, alpha * get(x, xOff + i));
        }
    }

    @Override
    double dot(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        int i = 0;
        double sum = 0;
        int bound = S.loopBound(n);
        if (bound > 0) {
            DoubleVector acc = DoubleVector.zero(S);
            for (; i < bound; i += LANES) {
                acc = load(x, xOff + i).fma(load(y, yOff + i), acc);
            }
            sum = lanesSummed(acc);
        }
        for (; i < n; i++) {
            sum = Math.fma(get(x, xOff + i), get(y, yOff + i), sum);
        }
        return sum;
    }

    @Override
    double tripleDot(MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment z, long zOff, int n) {
        int i = 0;
        double sum = 0;
        int bound = S.loopBound(n);
        if (bound > 0) {
            DoubleVector acc = DoubleVector.zero(S);
            for (; i < bound; i += LANES) {
                acc = load(x, xOff + i).mul(load(y, yOff + i)).fma(load(z, zOff + i), acc);
            }
            sum = lanesSummed(acc);
        }
        for (; i < n; i++) {
            sum = Math.fma(get(x, xOff + i) * get(y, yOff + i), get(z, zOff + i), sum);
        }
        return sum;
    }

    @Override
    double sum(MemorySegment x, long xOff, int n) {
        int i = 0;
        double sum = 0;
        int bound = S.loopBound(n);
        if (bound > 0) {
            DoubleVector acc = DoubleVector.zero(S);
            for (; i < bound; i += LANES) {
                acc = acc.add(load(x, xOff + i));
            }
            sum = lanesSummed(acc);
        }
        for (; i < n; i++) {
            sum += get(x, xOff + i);
        }
        return sum;
    }

    @Override
    void rowTimesMatrix(MemorySegment row, long rowOff, int rows, MemorySegment m, long mOff, long stride,
                        MemorySegment out, long outOff, int cols) {
        int c = 0;
        for (; c + 4 * LANES <= cols; c += 4 * LANES) {
            DoubleVector a0 = DoubleVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int r = 0; r < rows; r++) {
                DoubleVector w = DoubleVector.broadcast(S, get(row, rowOff + r));
                long at = mOff + r * stride + c;
                a0 = load(m, at).fma(w, a0);
                a1 = load(m, at + LANES).fma(w, a1);
                a2 = load(m, at + 2 * LANES).fma(w, a2);
                a3 = load(m, at + 3 * LANES).fma(w, a3);
            }
            a0.intoMemorySegment(out, (outOff + c) * Double.BYTES, NATIVE);
            a1.intoMemorySegment(out, (outOff + c + LANES) * Double.BYTES, NATIVE);
            a2.intoMemorySegment(out, (outOff + c + 2 * LANES) * Double.BYTES, NATIVE);
            a3.intoMemorySegment(out, (outOff + c + 3 * LANES) * Double.BYTES, NATIVE);
        }
        if (c + 2 * LANES <= cols) {
            DoubleVector a0 = DoubleVector.zero(S), a1 = a0;
            for (int r = 0; r < rows; r++) {
                DoubleVector w = DoubleVector.broadcast(S, get(row, rowOff + r));
                long at = mOff + r * stride + c;
                a0 = load(m, at).fma(w, a0);
                a1 = load(m, at + LANES).fma(w, a1);
            }
            a0.intoMemorySegment(out, (outOff + c) * Double.BYTES, NATIVE);
            a1.intoMemorySegment(out, (outOff + c + LANES) * Double.BYTES, NATIVE);
            c += 2 * LANES;
        }
        if (c + LANES <= cols) {
            DoubleVector a0 = DoubleVector.zero(S);
            for (int r = 0; r < rows; r++) {
                a0 = load(m, mOff + r * stride + c).fma(DoubleVector.broadcast(S, get(row, rowOff + r)), a0);
            }
            a0.intoMemorySegment(out, (outOff + c) * Double.BYTES, NATIVE);
            c += LANES;
        }
        for (; c < cols; c++) {
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                sum = Math.fma(get(m, mOff + r * stride + c), get(row, rowOff + r), sum);
            }
            set(out, outOff + c, sum);
        }
    }

    /** Lane {@code i} paired with lane {@code i ^ k}: the steps of the butterfly in {@link #lanesSummed}. */
    private static final VectorShuffle<Double> PAIR_4 = LANES == 8 ? VectorShuffle.fromOp(S, i -> i ^ 4) : null;
    private static final VectorShuffle<Double> PAIR_2 = LANES >= 4 ? VectorShuffle.fromOp(S, i -> i ^ 2) : null;
    private static final VectorShuffle<Double> PAIR_1 = LANES >= 2 ? VectorShuffle.fromOp(S, i -> i ^ 1) : null;

    /**
     * The sum of the lanes in a fixed order: a butterfly that adds lane {@code i} to lane
     * {@code i ^ 4}, then {@code i ^ 2}, then {@code i ^ 1} (as far as there are lanes), so lane 0
     * ends with {@code ((a0+a4)+(a2+a6)) + ((a1+a5)+(a3+a7))}. {@code reduceLanes(ADD)} leaves the
     * order of the additions unspecified, and in practice interpreted and JIT-compiled code add in
     * different orders, so the same call could give different bits before and after warm-up; whole
     * vector additions of permuted lanes are exact lane by lane, so this order holds everywhere and
     * results stay reproducible bit for bit. It costs three shuffles and three additions instead of
     * one lane extraction per lane: for short sums (a row of 32 doubles, one prediction) the
     * extractions were the largest part of the work.
     */
    private static double lanesSummed(DoubleVector acc) {
        if (LANES > 8) { // wider than any x86 vector (an SVE machine): first to last, one lane at a time
            double sum = 0;
            for (int lane = 0; lane < LANES; lane++) {
                sum += acc.lane(lane);
            }
            return sum;
        }
        if (LANES == 8) {
            acc = acc.add(acc.rearrange(PAIR_4));
        }
        if (LANES >= 4) {
            acc = acc.add(acc.rearrange(PAIR_2));
        }
        if (LANES >= 2) {
            acc = acc.add(acc.rearrange(PAIR_1));
        }
        return acc.lane(0);
    }
}
