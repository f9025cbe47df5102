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

/** {@code C (m×n) = A (m×k) · B (k×n)}, row-major, no transposes: 2·m·n·k flops. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss8m"})
public class GemmBench {

    /** {@code m x n x k}. */
    @Param({"256x256x256"})
    public String mnk;

    @Param({"simd"})
    public String impl;

    @Param({"1"})
    public int threads;

    private Fixtures fixtures;
    private Kernels kernels;
    private Tensor a;
    private Tensor b;
    private Tensor c;

    @Setup(Level.Trial)
    public void setUp() {
        fixtures = new Fixtures();
        kernels = Fixtures.kernels(impl, threads);
        int[] d = Fixtures.dims(mnk);
        a = fixtures.gaussian(d[0], d[2]);
        b = fixtures.gaussian(d[2], d[1]);
        c = fixtures.zeros(d[0], d[1]);
    }

    @Benchmark
    public void gemm() {
        kernels.gemm(1.0, a, false, b, false, 0.0, c);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixtures.close();
    }
}
