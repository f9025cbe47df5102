package deeptensor.internal.kernel.simd;

import deeptensor.internal.kernel.CpKernels;
import deeptensor.internal.kernel.Kernels;
import deeptensor.internal.kernel.ShapeChecks;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;

/**
 * The Vector API implementation of {@link CpKernels}: the CP reconstruction, evaluation and scatters. It runs the same {@link ShapeChecks}
 * as the scalar reference first and shares the vector width and threads of the {@link PanamaKernels}
 * it was made from. {@link deeptensor.internal.kernel.KernelProvider#family} makes it (reflectively, by name).
 */
public final class PanamaCpKernels implements CpKernels {

    private final PanamaKernels kernels;

    private PanamaCpKernels(PanamaKernels kernels) {
        this.kernels = kernels;
    }

    /** The family for {@code general}, or null when {@code general} is not a {@link PanamaKernels}. */
    public static CpKernels create(Kernels general) {
        return general instanceof PanamaKernels panama ? new PanamaCpKernels(panama) : null;
    }

    @Override
    public void cpReconstruct(Tensor[] factors, Tensor out) {
        int rank = ShapeChecks.cpReconstruct(factors, out);
        kernels.cp().reconstruct(factors, rank, out);
    }

    @Override
    public void mttkrpEveryMode(Tensor x, Tensor[] factors, Tensor[] outs) {
        int rank = ShapeChecks.mttkrpEveryMode(x, factors, outs);
        kernels.cp().mttkrpEveryMode(x, factors, rank, outs);
    }

    @Override
    public void cpEvaluate(Tensor[] factors, Coordinates at, Tensor values) {
        int rank = ShapeChecks.cpEvaluate(factors, at, values);
        kernels.sampled().cpEvaluate(factors, rank, at, values);
    }

    @Override
    public void cpScatter(Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out) {
        int rank = ShapeChecks.cpScatter(factors, mode, at, weights, out);
        kernels.sampled().cpScatter(factors, mode, rank, at, weights, out);
    }
}
