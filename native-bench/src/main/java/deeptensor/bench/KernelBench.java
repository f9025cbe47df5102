package deeptensor.bench;

import deeptensor.internal.kernel.CpKernels;
import deeptensor.internal.kernel.KernelProvider;
import deeptensor.internal.kernel.Kernels;
import deeptensor.internal.kernel.ModeProductPlan;
import deeptensor.internal.kernel.TensorTrainKernels;
import deeptensor.internal.kernel.TuckerKernels;
import deeptensor.kernel.TensorOps;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
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
 * Every other kernel at three sizes. {@code size} picks the tensor shape, the rank R (CP rank,
 * Tucker core size per mode, TT rank) and the number m of observed entries:
 * <ul>
 *   <li>{@code small}: 8×8×8, R = 4, m = 52 (10 % observed, rounded up);</li>
 *   <li>{@code paper}: 25×25×25, R = 10, m = 1563 (10 %), the ICML 2022 image/synthetic size;</li>
 *   <li>{@code paper4}: 10×10×10×10, R = 5, m = 1000 (10 %);</li>
 *   <li>{@code large}: 128×128×128, R = 32, m = 104858 (5 %).</li>
 * </ul>
 * The mode-dependent kernels use mode 1 (a middle mode, the hardest layout). One fork per kernel.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss8m"})
public class KernelBench {

    @Param({"mttkrp", "khatriRao", "cpReconstruct", "gram", "unfold", "gather", "scatter", "cpEvaluate", "cpScatter",
            "tuckerReconstruct", "tuckerEvaluate", "tuckerScatterCore", "tuckerScatterFactor", "ttEvaluate", "ttScatterCore"})
    public String kernel;

    @Param({"paper"})
    public String size;

    @Param({"simd"})
    public String impl;

    @Param({"1"})
    public int threads;

    private Fixtures fixtures;
    private Kernels kernels;
    private CpKernels cpKernels;
    private TuckerKernels tuckerKernels;
    private TensorTrainKernels ttKernels;
    private Tensor x;
    private Tensor[] cp;
    private Tensor core;
    private Tensor[] tucker;
    private Tensor[] tt;
    private Coordinates at;
    private Tensor weights;
    private Tensor out;
    private Tensor workspace;
    private Tensor kr;
    private Tensor[] krInputs;

    @Setup(Level.Trial)
    public void setUp() {
        fixtures = new Fixtures();
        kernels = Fixtures.kernels(impl, threads);
        cpKernels = KernelProvider.family(CpKernels.class, kernels, CpKernels.scalar());
        tuckerKernels = KernelProvider.family(TuckerKernels.class, kernels, TuckerKernels.scalar());
        ttKernels = KernelProvider.family(TensorTrainKernels.class, kernels, TensorTrainKernels.scalar());
        int[] dims;
        int rank;
        double observed;
        switch (size) {
            case "small" -> { dims = new int[] {8, 8, 8}; rank = 4; observed = 0.10; }
            case "paper" -> { dims = new int[] {25, 25, 25}; rank = 10; observed = 0.10; }
            case "paper4" -> { dims = new int[] {10, 10, 10, 10}; rank = 5; observed = 0.10; }
            case "large" -> { dims = new int[] {128, 128, 128}; rank = 32; observed = 0.05; }
            default -> throw new IllegalArgumentException("unknown size " + size);
        }
        int order = dims.length;
        Shape shape = Shape.of(dims);
        int count = (int) Math.ceil(observed * shape.size());
        x = fixtures.gaussian(dims);
        cp = fixtures.factors(dims, rank);
        int[] ranks = new int[order];
        java.util.Arrays.fill(ranks, rank);
        core = fixtures.gaussian(ranks);
        tucker = fixtures.factors(dims, rank);
        tt = new Tensor[order];
        for (int k = 0; k < order; k++) {
            tt[k] = fixtures.gaussian(k == 0 ? 1 : rank, dims[k], k == order - 1 ? 1 : rank);
        }
        at = fixtures.coordinates(dims, count);
        weights = fixtures.gaussian(count);
        int mode = 1;
        switch (kernel) {
            case "mttkrp", "cpScatter" -> out = fixtures.zeros(dims[mode], rank);
            case "tuckerScatterFactor" -> out = fixtures.zeros(dims[mode], rank);
            case "khatriRao" -> {
                krInputs = new Tensor[] {cp[0], cp[1]};
                out = fixtures.zeros(dims[0] * dims[1], rank);
            }
            case "cpReconstruct", "tuckerReconstruct", "scatter" -> out = fixtures.zeros(dims);
            case "gram" -> {
                kr = fixtures.gaussian(dims[0] * dims[1], rank);
                out = fixtures.zeros(rank, rank);
            }
            case "unfold" -> out = fixtures.zeros(TensorOps.unfoldedShape(shape, mode).dims());
            case "gather", "cpEvaluate", "tuckerEvaluate", "ttEvaluate" -> out = fixtures.zeros(count);
            case "tuckerScatterCore" -> out = fixtures.zeros(ranks);
            case "ttScatterCore" -> out = fixtures.zeros(tt[mode].shape().dims());
            default -> throw new IllegalArgumentException("unknown kernel " + kernel);
        }
        workspace = fixtures.zeros((int) TensorOps.multiModeWorkspace(core.shape(), tucker));
    }

    @Benchmark
    public void run() {
        switch (kernel) {
            case "mttkrp" -> kernels.mttkrp(x, cp, 1, out);
            case "khatriRao" -> kernels.khatriRao(krInputs, out);
            case "cpReconstruct" -> cpKernels.cpReconstruct(cp, out);
            case "gram" -> kernels.gram(kr, out);
            case "unfold" -> kernels.unfold(x, 1, out);
            case "gather" -> kernels.gather(x, at, out);
            case "scatter" -> kernels.scatter(at, weights, out);
            case "cpEvaluate" -> cpKernels.cpEvaluate(cp, at, out);
            case "cpScatter" -> cpKernels.cpScatter(cp, 1, at, weights, out);
            case "tuckerReconstruct" -> ModeProductPlan.of(core, tucker, workspace).run(kernels, out);
            case "tuckerEvaluate" -> tuckerKernels.tuckerEvaluate(core, tucker, at, out);
            case "tuckerScatterCore" -> tuckerKernels.tuckerScatterCore(tucker, at, weights, out);
            case "tuckerScatterFactor" -> tuckerKernels.tuckerScatterFactor(core, tucker, 1, at, weights, out);
            case "ttEvaluate" -> ttKernels.ttEvaluate(tt, at, out);
            case "ttScatterCore" -> ttKernels.ttScatterCore(tt, 1, at, weights, out);
            default -> throw new IllegalStateException(kernel);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixtures.close();
    }
}
