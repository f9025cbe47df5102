package deeptensor.bench;

import deeptensor.internal.kernel.Kernels;
import deeptensor.internal.kernel.ModeProductPlan;
import deeptensor.kernel.TensorOps;
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
 * Tucker reconstruction {@code G ×_1 U^1 ×_2 U^2 ×_3 U^3} of a cube of side {@code n} from a core
 * of side {@code rank}, mode order chosen by cost, intermediates in a workspace allocated once:
 * {@code 2·(n·R³ + n²·R² + n³·R)} flops.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss8m"})
public class TuckerBench {

    @Param({"128"})
    public int n;

    @Param({"32"})
    public int rank;

    @Param({"simd"})
    public String impl;

    @Param({"1"})
    public int threads;

    private Fixtures fixtures;
    private Kernels kernels;
    private Tensor core;
    private Tensor[] factors;
    private Tensor out;
    private Tensor workspace;

    @Setup(Level.Trial)
    public void setUp() {
        fixtures = new Fixtures();
        kernels = Fixtures.kernels(impl, threads);
        core = fixtures.gaussian(rank, rank, rank);
        factors = fixtures.factors(new int[] {n, n, n}, rank);
        out = fixtures.zeros(n, n, n);
        workspace = fixtures.zeros((int) TensorOps.multiModeWorkspace(core.shape(), factors));
    }

    @Benchmark
    public void reconstruct() {
        ModeProductPlan.of(core, factors, workspace).run(kernels, out);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixtures.close();
    }
}
