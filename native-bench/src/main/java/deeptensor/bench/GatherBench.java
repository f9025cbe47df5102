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
 * The memory side of the prediction bound: how fast this machine reads rows of {@code row} doubles
 * at random from a buffer of {@code kib} KiB (each row read whole with full-width vector loads and
 * summed, nothing else). A prediction that must read {@code b} bytes of rows of about this length
 * from a model of about this size cannot run faster than this rate divided by {@code b}; the flop
 * side is {@link PeakBench}. Per thread (run with {@code -t 1} and {@code -t 2}, each thread its
 * own row order, one shared buffer). The score is time per row.
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

    private Arena arena;
    private MemorySegment buffer;

    @Setup(Level.Trial)
    public void fill() {
        arena = Arena.ofShared();
        long bytes = Math.max(kib * 1024, (long) row * Double.BYTES);
        buffer = arena.allocate(bytes, 64);
        SplittableRandom random = new SplittableRandom(1);
        for (long i = 0; i + Double.BYTES <= bytes; i += Double.BYTES) {
            buffer.set(ValueLayout.JAVA_DOUBLE, i, random.nextDouble());
        }
    }

    @TearDown(Level.Trial)
    public void free() {
        arena.close();
    }

    /**
     * One thread's random row starts (byte offsets, row-aligned like a factor's rows): 2²⁰ of them,
     * taken {@value #ROWS} per call in turn, so that the rows read are not the same few that a
     * cache would keep (4 096 rows of 256 bytes alone would fit in L2).
     */
    @State(Scope.Thread)
    public static class Order {
        long[] starts;
        int next;

        @Setup(Level.Trial)
        public void draw(GatherBench bench, org.openjdk.jmh.infra.ThreadParams thread) {
            long rows = bench.buffer.byteSize() / Double.BYTES / bench.row;
            SplittableRandom random = new SplittableRandom(100 + thread.getThreadIndex());
            starts = new long[1 << 20];
            for (int i = 0; i < starts.length; i++) {
                starts[i] = random.nextLong(rows) * bench.row * Double.BYTES;
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
        for (int k = first; k < first + ROWS; k++) {
            long start = order.starts[k];
            long at = start, quadEnd = start + quad * (long) Double.BYTES, end = start + whole * (long) Double.BYTES;
            for (; at < quadEnd; at += 4 * step) {
                s0 = s0.add(DoubleVector.fromMemorySegment(S, buffer, at, ByteOrder.nativeOrder()));
                s1 = s1.add(DoubleVector.fromMemorySegment(S, buffer, at + step, ByteOrder.nativeOrder()));
                s2 = s2.add(DoubleVector.fromMemorySegment(S, buffer, at + 2 * step, ByteOrder.nativeOrder()));
                s3 = s3.add(DoubleVector.fromMemorySegment(S, buffer, at + 3 * step, ByteOrder.nativeOrder()));
            }
            for (; at < end; at += step) {
                s0 = s0.add(DoubleVector.fromMemorySegment(S, buffer, at, ByteOrder.nativeOrder()));
            }
            for (long tail = end; tail < start + (long) row * Double.BYTES; tail += Double.BYTES) {
                bits ^= buffer.get(ValueLayout.JAVA_LONG, tail); // scalar, as the kernels read a ragged end; XOR: a 1-cycle chain
            }
        }
        return s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD) + bits;
    }
}
