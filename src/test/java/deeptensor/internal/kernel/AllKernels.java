package deeptensor.internal.kernel;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;

/**
 * For tests that run every kernel of one implementation: the general kernels and the model
 * families that go with them ({@link KernelProvider#family(Class, Kernels, Object)}), behind one
 * object, so that a test can pass "the scalar kernels" or "the 256-bit kernels" around as one value.
 */
public final class AllKernels implements Kernels, CpKernels, TuckerKernels, TensorTrainKernels {

    private final Kernels general;
    private final CpKernels cp;
    private final TuckerKernels tucker;
    private final TensorTrainKernels tt;

    private AllKernels(Kernels general) {
        this.general = general instanceof AllKernels all ? all.general : general;
        this.cp = KernelProvider.family(CpKernels.class, this.general, CpKernels.scalar());
        this.tucker = KernelProvider.family(TuckerKernels.class, this.general, TuckerKernels.scalar());
        this.tt = KernelProvider.family(TensorTrainKernels.class, this.general, TensorTrainKernels.scalar());
    }

    /** {@code general} and its model families. */
    public static AllKernels of(Kernels general) {
        return general instanceof AllKernels all ? all : new AllKernels(general);
    }

    /** The scalar reference of every family. */
    public static AllKernels scalar() {
        return of(Kernels.scalar());
    }

    /** The general kernels alone. */
    public Kernels general() {
        return general;
    }

    @Override
    public String name() {
        return general.name();
    }

    @Override
    public void gemm(double alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB, double beta, Tensor c) {
        general.gemm(alpha, a, transposeA, b, transposeB, beta, c);
    }

    @Override
    public void modeProduct(Tensor x, int mode, Tensor u, Tensor out) {
        general.modeProduct(x, mode, u, out);
    }

    @Override
    public void khatriRao(Tensor[] matrices, Tensor out) {
        general.khatriRao(matrices, out);
    }

    @Override
    public void mttkrp(Tensor x, Tensor[] factors, int mode, Tensor out) {
        general.mttkrp(x, factors, mode, out);
    }

    @Override
    public void gram(Tensor a, Tensor out) {
        general.gram(a, out);
    }

    @Override
    public void unfold(Tensor x, int mode, Tensor out) {
        general.unfold(x, mode, out);
    }

    @Override
    public void fold(Tensor matrix, int mode, Tensor out) {
        general.fold(matrix, mode, out);
    }

    @Override
    public void gather(Tensor x, Coordinates at, Tensor values) {
        general.gather(x, at, values);
    }

    @Override
    public void scatter(Coordinates at, Tensor weights, Tensor out) {
        general.scatter(at, weights, out);
    }

    @Override
    public void cpReconstruct(Tensor[] factors, Tensor out) {
        cp.cpReconstruct(factors, out);
    }

    @Override
    public void cpEvaluate(Tensor[] factors, Coordinates at, Tensor values) {
        cp.cpEvaluate(factors, at, values);
    }

    @Override
    public void mttkrpEveryMode(Tensor x, Tensor[] factors, Tensor[] outs) {
        cp.mttkrpEveryMode(x, factors, outs);
    }

    @Override
    public void cpScatter(Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out) {
        cp.cpScatter(factors, mode, at, weights, out);
    }

    @Override
    public void contractAllButMode(Tensor x, Tensor y, int mode, Tensor out) {
        tucker.contractAllButMode(x, y, mode, out);
    }

    @Override
    public void tuckerEvaluate(Tensor core, Tensor[] factors, Coordinates at, Tensor values) {
        tucker.tuckerEvaluate(core, factors, at, values);
    }

    @Override
    public void tuckerScatterCore(Tensor[] factors, Coordinates at, Tensor weights, Tensor out) {
        tucker.tuckerScatterCore(factors, at, weights, out);
    }

    @Override
    public void tuckerScatterFactor(Tensor core, Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out) {
        tucker.tuckerScatterFactor(core, factors, mode, at, weights, out);
    }

    @Override
    public void ttEvaluate(Tensor[] cores, Coordinates at, Tensor values) {
        tt.ttEvaluate(cores, at, values);
    }

    @Override
    public void ttScatterCore(Tensor[] cores, int k, Coordinates at, Tensor weights, Tensor out) {
        tt.ttScatterCore(cores, k, at, weights, out);
    }
}
