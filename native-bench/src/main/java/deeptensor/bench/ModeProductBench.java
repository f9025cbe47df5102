package deeptensor.bench;

import deeptensor.internal.kernel.Kernels;
import deeptensor.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The mode-n product {@code X ×_mode U} with U of shape {@code rank × I_mode}: 2·rank·|X| flops.
 * One fork per parameter combination, so no JIT profile is shared between kernels.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss8m"})
public class ModeProductBench {

    /** Mode sizes, for example {@code 128x128x128}. */
    @Param({"128x128x128"})
    public String shape;

    /** Rows of U (the new size of the mode). */
    @Param({"32"})
    public int rank;

    /** The mode multiplied. */
    @Param({"0"})
    public int mode;

    /** {@code simd} or {@code scalar}. */
    @Param({"simd"})
    public String impl;

    /** Threads the SIMD kernels may use. */
    @Param({"1"})
    public int threads;

    private Fixtures fixtures;
    private Kernels kernels;
    private Tensor x;
    private Tensor u;
    private Tensor out;

    @Setup(Level.Trial)
    public void setUp() {
        fixtures = new Fixtures();
        kernels = Fixtures.kernels(impl, threads);
        int[] dims = Fixtures.dims(shape);
        if (mode >= dims.length) {
            throw new IllegalArgumentException("mode " + mode + " does not exist in shape " + shape);
        }
        x = fixtures.gaussian(dims);
        u = fixtures.gaussian(rank, dims[mode]);
        out = fixtures.zeros(x.shape().withDim(mode, rank).dims());
    }

    @Benchmark
    public void modeProduct() {
        kernels.modeProduct(x, mode, u, out);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixtures.close();
    }
}
