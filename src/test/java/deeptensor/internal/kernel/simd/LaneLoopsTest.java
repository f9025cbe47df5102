package deeptensor.internal.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The loops that keep sums in registers against the loops they replace, bit for bit at every vector
 * width: the row-times-matrix loop of the tensor-train kernels against zeroing the output and one
 * {@code axpy} per row (every column count from 0 to five vectors and one, several row counts and
 * strides, nothing outside the output run touched), and the triple dot product of the CP
 * evaluation against a multiply into a scratch row followed by a dot product (every length from 0
 * to five vectors and one, ragged tails included).
 */
class LaneLoopsTest {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    @BeforeAll
    static void needsTheVectorModule() {
        Assumptions.assumeTrue(deeptensor.internal.kernel.KernelProvider.vectorModulePresent(),
                "jdk.incubator.vector is not in this JVM (fallback run): SIMD loops not tested");
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void equalsOneAxpyPerRowBitForBit(int bits) {
        VectorSpecies<Double> species = VectorSpecies.of(double.class, VectorShape.forBitSize(bits));
        VectorOps ops = VectorOps.create(species);
        int lanes = species.length();
        SplittableRandom random = new SplittableRandom(bits);
        try (Arena arena = Arena.ofConfined()) {
            for (int cols = 0; cols <= 5 * lanes + 1; cols++) {
                for (int rows : new int[] {0, 1, 2, 7, 33}) {
                    long stride = cols + random.nextInt(4);
                    long rowOff = random.nextInt(3), mOff = random.nextInt(5), outOff = 1 + random.nextInt(3);
                    MemorySegment row = gaussian(arena, random, rowOff + rows);
                    MemorySegment m = gaussian(arena, random, mOff + rows * stride + cols);
                    MemorySegment expected = gaussian(arena, random, outOff + cols + 2);
                    MemorySegment got = arena.allocate(expected.byteSize(), 8);
                    MemorySegment.copy(expected, 0, got, 0, expected.byteSize());
                    for (int c = 0; c < cols; c++) {
                        expected.setAtIndex(D, outOff + c, 0.0);
                    }
                    for (int r = 0; r < rows; r++) {
                        ops.axpy(row.getAtIndex(D, rowOff + r), m, mOff + r * stride, expected, outOff, cols);
                    }
                    ops.rowTimesMatrix(row, rowOff, rows, m, mOff, stride, got, outOff, cols);
                    for (long i = 0; i < expected.byteSize() / Double.BYTES; i++) {
                        assertEquals(Double.doubleToRawLongBits(expected.getAtIndex(D, i)), Double.doubleToRawLongBits(got.getAtIndex(D, i)),
                                bits + " bits, " + rows + "×" + cols + ", stride " + stride + ": element " + i);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void tripleDotEqualsMultiplyThenDotBitForBit(int bits) {
        VectorSpecies<Double> species = VectorSpecies.of(double.class, VectorShape.forBitSize(bits));
        VectorOps ops = VectorOps.create(species);
        SplittableRandom random = new SplittableRandom(bits + 1);
        try (Arena arena = Arena.ofConfined()) {
            for (int n = 0; n <= 5 * species.length() + 1; n++) {
                long xOff = random.nextInt(3), yOff = random.nextInt(5), zOff = random.nextInt(4);
                MemorySegment x = gaussian(arena, random, xOff + n), y = gaussian(arena, random, yOff + n);
                MemorySegment z = gaussian(arena, random, zOff + n), row = gaussian(arena, random, n);
                ops.multiply(x, xOff, y, yOff, row, 0, n);
                double expected = ops.dot(row, 0, z, zOff, n);
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(ops.tripleDot(x, xOff, y, yOff, z, zOff, n)),
                        bits + " bits, length " + n);
            }
        }
    }

    /**
     * A dot product of exactly one vector sums its lane products in the documented butterfly order
     * (lane i with lane i ^ 4, then i ^ 2, then i ^ 1), written out here in scalar code: the order
     * is a definition, the same in interpreted and compiled code.
     */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void lanesAreSummedInTheButterflyOrder(int bits) {
        VectorSpecies<Double> species = VectorSpecies.of(double.class, VectorShape.forBitSize(bits));
        VectorOps ops = VectorOps.create(species);
        int lanes = species.length();
        SplittableRandom random = new SplittableRandom(bits + 2);
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 200; trial++) {
                MemorySegment x = gaussian(arena, random, lanes), y = gaussian(arena, random, lanes);
                double[] p = new double[lanes];
                for (int i = 0; i < lanes; i++) {
                    p[i] = Math.fma(x.getAtIndex(D, i), y.getAtIndex(D, i), 0.0);
                }
                for (int step = lanes / 2; step >= 1; step /= 2) {
                    double[] next = new double[lanes];
                    for (int i = 0; i < lanes; i++) {
                        next[i] = p[i] + p[i ^ step];
                    }
                    p = next;
                }
                assertEquals(Double.doubleToRawLongBits(p[0]), Double.doubleToRawLongBits(ops.dot(x, 0, y, 0, lanes)),
                        bits + " bits, trial " + trial);
            }
        }
    }

    private static MemorySegment gaussian(Arena arena, SplittableRandom random, long n) {
        MemorySegment s = arena.allocate(Math.max(1, n) * Double.BYTES, 8);
        for (long i = 0; i < n; i++) {
            s.setAtIndex(D, i, random.nextGaussian());
        }
        return s;
    }
}
