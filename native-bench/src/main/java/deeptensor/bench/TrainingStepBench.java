package deeptensor.bench;

import deeptensor.internal.model.Models;
import deeptensor.model.CP;
import deeptensor.internal.model.Batch;
import deeptensor.internal.model.Model;
import deeptensor.model.ModelSpec;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.internal.train.Initializer;
import deeptensor.internal.train.Optimizer;
import deeptensor.internal.train.OptimizerState;
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
 * One full-batch training step — loss and gradient through the model and its chains, then an Adam
 * update — at the papers' sizes. Run with {@code -prof gc} to see the allocation per step: the
 * step path is meant to allocate nothing after warm-up. Single-threaded kernels unless
 * {@code -p threads=2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Ddeeptensor.threads=1", "-Xss8m"})
public class TrainingStepBench {

    /** {@code tucker}, {@code cp} or {@code tt}. */
    @Param({"tucker", "cp"})
    public String model;

    /** Depth of the factor chains. */
    @Param({"1", "3"})
    public int depth;

    /** Mode sizes, for example {@code 25x25x25} (the AISTATS setting). */
    @Param({"25x25x25"})
    public String shape;

    /** Share of the entries observed. */
    @Param({"0.7"})
    public double observed;

    /** CP rank, or 0 for the default over-parameterized size. */
    @Param({"0"})
    public int rank;

    /** Kernel threads (the library's {@code deeptensor.threads}); results are bit-identical at any count. */
    @Param({"1"})
    public int threads;

    /** {@code auto}, {@code dense} or {@code sampled}: the evaluation path (AUTO is the model's own choice). */
    @Param({"auto"})
    public String evaluation;

    private Model fitted;
    private Batch batch;
    private OptimizerState optimizer;
    private Coordinates at;
    private Tensor targets;

    @Setup(Level.Trial)
    public void setUp() {
        Fixtures.kernels("simd", threads); // fails fast if the Vector API kernels are not in use
        Shape dims = Shape.of(Fixtures.dims(shape));
        at = Fixtures.observedEntries(dims, observed, 7);
        targets = Tensor.gaussian(8, 1.0, at.count());
        ModelSpec spec = switch (model) {
            case "tucker" -> Tucker.deep(depth);
            case "cp" -> rank > 0 ? CP.deep(depth).rank(rank) : CP.deep(depth);
            case "tt" -> TensorTrain.deep(depth);
            default -> throw new IllegalArgumentException("model " + model + " is not tucker, cp or tt");
        };
        fitted = Models.build(spec, dims);
        fitted.evaluation(deeptensor.internal.model.Evaluation.valueOf(evaluation.toUpperCase(java.util.Locale.ROOT)));
        Initializer.normMatched(5e-4).initialize(fitted, 9);
        batch = new Batch(at, targets);
        optimizer = OptimizerState.start(Optimizer.adam(5e-4), (int) fitted.parameters().values().size());
    }

    @Benchmark
    public double step() {
        double loss = fitted.lossAndGradient(batch);
        optimizer.step(fitted.parameters().values(), fitted.parameters().gradients());
        return loss;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        optimizer.close();
        batch.close();
        fitted.close();
        targets.close();
        at.close();
    }
}
