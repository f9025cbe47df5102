package deeptensor.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The memory side of the prediction bound: how fast this machine reads, at random places in a
 * buffer of {@code kib} KiB, blocks of {@code block} rows of {@code row} doubles whose starts lie
 * {@code stride} doubles apart (a factor row is one row; a tensor-train slice {@code G[:, i, :]} is
 * {@code r} rows of {@code r'} at a stride of {@code d·r'}), each row read whole with full-width
 * vector loads and summed, nothing else. A prediction reads one such access from each of its
 * tables; the sum of their times is the memory side of its bound, and {@link PeakBench} the flop
 * side. Per thread (run with {@code -t 1} and {@code -t 2}, each thread its own order, one shared
 * buffer). The score is time per access.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GatherBench {

    static final int ROWS = 4096;
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    /** Buffer size in KiB (about the model's size). */
    @Param({"384", "2800", "25600"})
    public long kib;

    /** Row length in doubles (the model's contiguous run per access). */
    @Param({"32", "625"})
    public int row;

    /** Rows per access. */
    @Param({"1"})
    public int block;

    /** Doubles from one row of a block to the next (0: the row length, rows back to back). */
    @Param({"0"})
    public long stride;

    private Arena arena;
    private MemorySegment buffer;

    @Setup(Level.Trial)
    public void fill() {
        arena = Arena.ofShared();
        long span = (long) (block - 1) * rowStride() + row;
        long bytes = Math.max(kib * 1024, span * Double.BYTES);
        buffer = arena.allocate(bytes, 64);
        SplittableRandom random = new SplittableRandom(1);
        for (long i = 0; i + Double.BYTES <= bytes; i += Double.BYTES) {
            buffer.set(ValueLayout.JAVA_DOUBLE, i, random.nextDouble());
        }
    }

    long rowStride() {
        return stride == 0 ? row : stride;
    }

    @TearDown(Level.Trial)
    public void free() {
        arena.close();
    }

    /**
     * One thread's random access starts (byte offsets, row-aligned like a factor's rows): 2²⁰ of them,
     * taken {@value #ROWS} per call in turn, so that the rows read are not the same few that a
     * cache would keep (4 096 rows of 256 bytes alone would fit in L2).
     */
    @State(Scope.Thread)
    public static class Order {
        long[] starts;
        int next;

        @Setup(Level.Trial)
        public void draw(GatherBench bench, org.openjdk.jmh.infra.ThreadParams thread) {
            long span = (long) (bench.block - 1) * bench.rowStride() + bench.row;
            long places = Math.max(1, (bench.buffer.byteSize() / Double.BYTES - span) / bench.row + 1);
            SplittableRandom random = new SplittableRandom(100 + thread.getThreadIndex());
            starts = new long[1 << 20];
            for (int i = 0; i < starts.length; i++) {
                starts[i] = random.nextLong(places) * bench.row * Double.BYTES;
            }
        }
    }

    /**
     * Four independent accumulators, so that the add latency does not hide the load rate (one
     * accumulator would make the bound lower, and easier to meet, than the memory allows).
     */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public double readRows(Order order) {
        int lanes = S.length(), whole = row - row % lanes, quad = whole - whole % (4 * lanes);
        long step = (long) lanes * Double.BYTES;
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        long bits = 0;
        int first = order.next;
        order.next = first + ROWS == order.starts.length ? 0 : first + ROWS;
        long strideBytes = rowStride() * Double.BYTES;
        long rowBytes = (long) row * Double.BYTES, wholeBytes = (long) whole * Double.BYTES;
        for (int k = first; k < first + ROWS; k++) {
            int r = 0;
            if (block >= 4) {
                // A block (a tensor-train slice): four rows at a time, each into its own accumulator,
                // as the kernels' register-blocked loop reads them.
                for (; r + 4 <= block; r += 4) {
                    long r0 = order.starts[k] + r * strideBytes, r1 = r0 + strideBytes, r2 = r1 + strideBytes, r3 = r2 + strideBytes;
                    for (long off = 0; off < wholeBytes; off += step) {
                        s0 = s0.add(DoubleVector.fromMemorySegment(S, buffer, r0 + off, ByteOrder.nativeOrder()));
                        s1 = s1.add(DoubleVector.fromMemorySegment(S, buffer, r1 + off, ByteOrder.nativeOrder()));
                        s2 = s2.add(DoubleVector.fromMemorySegment(S, buffer, r2 + off, ByteOrder.nativeOrder()));
                        s3 = s3.add(DoubleVector.fromMemorySegment(S, buffer, r3 + off, ByteOrder.nativeOrder()));
                    }
                    for (long off = wholeBytes; off < rowBytes; off += Double.BYTES) {
                        bits ^= buffer.get(ValueLayout.JAVA_LONG, r0 + off) ^ buffer.get(ValueLayout.JAVA_LONG, r1 + off)
                                ^ buffer.get(ValueLayout.JAVA_LONG, r2 + off) ^ buffer.get(ValueLayout.JAVA_LONG, r3 + off);
                    }
                }
            }
            for (; r < block; r++) {
                long start = order.starts[k] + r * strideBytes;
                long at = start, quadEnd = start + quad * (long) Double.BYTES, end = start + wholeBytes;
                for (; at < quadEnd; at += 4 * step) {
                    s0 = s0.add(DoubleVector.fromMemorySegment(S, buffer, at, ByteOrder.nativeOrder()));
                    s1 = s1.add(DoubleVector.fromMemorySegment(S, buffer, at + step, ByteOrder.nativeOrder()));
                    s2 = s2.add(DoubleVector.fromMemorySegment(S, buffer, at + 2 * step, ByteOrder.nativeOrder()));
                    s3 = s3.add(DoubleVector.fromMemorySegment(S, buffer, at + 3 * step, ByteOrder.nativeOrder()));
                }
                for (; at < end; at += step) {
                    s0 = s0.add(DoubleVector.fromMemorySegment(S, buffer, at, ByteOrder.nativeOrder()));
                }
                for (long tail = end; tail < start + rowBytes; tail += Double.BYTES) {
                    bits ^= buffer.get(ValueLayout.JAVA_LONG, tail); // scalar, as the kernels read a ragged end; XOR: a 1-cycle chain
                }
            }
        }
        return s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD) + bits;
    }
}
