package deeptensor.kernel;

import deeptensor.internal.kernel.CpKernels;
import deeptensor.internal.kernel.KernelProvider;
import deeptensor.internal.kernel.Kernels;
import deeptensor.internal.kernel.ModeProductPlan;
import deeptensor.internal.kernel.TensorTrainKernels;
import deeptensor.internal.kernel.TuckerKernels;
import deeptensor.internal.kernel.ShapeChecks;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;

/**
 * The static facade over the kernels chosen by {@link KernelProvider}: one call per operation,
 * outputs passed in by the caller. See {@link Kernels} for the conventions and the contract
 * (shape checks, no aliasing, no off-heap allocation).
 */
public final class TensorOps {

    private TensorOps() {
    }

    private static Kernels k() {
        return KernelProvider.kernels();
    }

    /** {@code C = alpha · op(A) · op(B) + beta · C}. */
    public static void gemm(double alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB, double beta, Tensor c) {
        k().gemm(alpha, a, transposeA, b, transposeB, beta, c);
    }

    /** {@code C = A · B}. */
    public static void multiply(Tensor a, Tensor b, Tensor c) {
        k().gemm(1.0, a, false, b, false, 0.0, c);
    }

    /** {@code out = x ×_mode u}. */
    public static void modeProduct(Tensor x, int mode, Tensor u, Tensor out) {
        k().modeProduct(x, mode, u, out);
    }

    /**
     * {@code out = x ×_n matrices[n]} for every non-null {@code matrices[n]}, in the order of least
     * flops (an exact dynamic program over subsets of modes). Intermediates go into {@code workspace}, which must hold at least
     * {@link #multiModeWorkspace(Shape, Tensor[])} elements (it may be null when no intermediate is
     * needed, as for a single product); no off-heap allocation, but the plan, its order and its views
     * are made per call: code inside the library that repeats a product keeps a plan instead.
     */
    public static void multiModeProduct(Tensor x, Tensor[] matrices, Tensor out, Tensor workspace) {
        ModeProductPlan.of(x, matrices, workspace).run(k(), out);
    }

    /** Elements of workspace that {@link #multiModeProduct} needs for these inputs. */
    public static long multiModeWorkspace(Shape x, Tensor[] matrices) {
        return ModeProductPlan.workspaceSize(x, matrices);
    }

    /** Tucker reconstruction {@code out = core ×_1 U^1 ⋯ ×_N U^N}, cheapest mode order, intermediates in {@code workspace}. */
    public static void tuckerReconstruct(Tensor core, Tensor[] factors, Tensor out, Tensor workspace) {
        multiModeProduct(core, factors, out, workspace);
    }

    /** See {@link CpKernels#cpReconstruct}. */
    public static void cpReconstruct(Tensor[] factors, Tensor out) {
        CpKernels.chosen().cpReconstruct(factors, out);
    }

    /** See {@link Kernels#mttkrp}. */
    public static void mttkrp(Tensor x, Tensor[] factors, int mode, Tensor out) {
        k().mttkrp(x, factors, mode, out);
    }

    /** See {@link Kernels#khatriRao}. */
    public static void khatriRao(Tensor[] matrices, Tensor out) {
        k().khatriRao(matrices, out);
    }

    /** See {@link Kernels#gram}. */
    public static void gram(Tensor a, Tensor out) {
        k().gram(a, out);
    }

    /** See {@link Kernels#unfold}. */
    public static void unfold(Tensor x, int mode, Tensor out) {
        k().unfold(x, mode, out);
    }

    /** See {@link Kernels#fold}. */
    public static void fold(Tensor matrix, int mode, Tensor out) {
        k().fold(matrix, mode, out);
    }

    /** The shape of the mode-{@code mode} unfolding of a tensor of {@code shape} (TensorLy's order). */
    public static Shape unfoldedShape(Shape shape, int mode) {
        return ShapeChecks.unfoldedShape(shape, mode);
    }

    /** See {@link Kernels#gather}. */
    public static void gather(Tensor x, Coordinates at, Tensor values) {
        k().gather(x, at, values);
    }

    /** See {@link Kernels#scatter}. */
    public static void scatter(Coordinates at, Tensor weights, Tensor out) {
        k().scatter(at, weights, out);
    }

    /** See {@link CpKernels#cpEvaluate}. */
    public static void cpEvaluate(Tensor[] factors, Coordinates at, Tensor values) {
        CpKernels.chosen().cpEvaluate(factors, at, values);
    }

    /** See {@link TuckerKernels#tuckerEvaluate}. */
    public static void tuckerEvaluate(Tensor core, Tensor[] factors, Coordinates at, Tensor values) {
        TuckerKernels.chosen().tuckerEvaluate(core, factors, at, values);
    }

    /** See {@link TensorTrainKernels#ttEvaluate}. */
    public static void ttEvaluate(Tensor[] cores, Coordinates at, Tensor values) {
        TensorTrainKernels.chosen().ttEvaluate(cores, at, values);
    }

}
