package deeptensor.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The machine's fp64 FMA peak as Java sees it: 12 independent accumulator vectors of the preferred
 * width, {@value #STEPS} steps of one FMA each, no memory traffic. Flops per call:
 * {@code 2 · lanes · 12 · STEPS}. The denominator of "share of peak" in docs/performance.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class PeakBench {

    static final int STEPS = 4096;
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    public double x = 1.0000001;
    public double y = 0.9999999;

    @Benchmark
    public double fmaPeak() {
        DoubleVector m = DoubleVector.broadcast(S, x), a = DoubleVector.broadcast(S, y);
        DoubleVector c0 = a, c1 = a.add(1), c2 = a.add(2), c3 = a.add(3), c4 = a.add(4), c5 = a.add(5);
        DoubleVector c6 = a.add(6), c7 = a.add(7), c8 = a.add(8), c9 = a.add(9), c10 = a.add(10), c11 = a.add(11);
        for (int i = 0; i < STEPS; i++) {
            c0 = c0.fma(m, a);
            c1 = c1.fma(m, a);
            c2 = c2.fma(m, a);
            c3 = c3.fma(m, a);
            c4 = c4.fma(m, a);
            c5 = c5.fma(m, a);
            c6 = c6.fma(m, a);
            c7 = c7.fma(m, a);
            c8 = c8.fma(m, a);
            c9 = c9.fma(m, a);
            c10 = c10.fma(m, a);
            c11 = c11.fma(m, a);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    /** Prints the doubles per preferred vector (the side-by-side script needs it for the flop count). */
    public static void main(String[] args) {
        System.out.println(S.length());
    }
}
