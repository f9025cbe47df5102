package deeptensor.internal.kernel.simd;

import deeptensor.internal.kernel.TuckerKernels;
import deeptensor.internal.kernel.Kernels;
import deeptensor.internal.kernel.ShapeChecks;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;

/**
 * The Vector API implementation of {@link TuckerKernels}: the Tucker evaluation and scatters. It runs the same {@link ShapeChecks}
 * as the scalar reference first and shares the vector width and threads of the {@link PanamaKernels}
 * it was made from. {@link deeptensor.internal.kernel.KernelProvider#family} makes it (reflectively, by name).
 */
public final class PanamaTuckerKernels implements TuckerKernels {

    private final PanamaKernels kernels;

    private PanamaTuckerKernels(PanamaKernels kernels) {
        this.kernels = kernels;
    }

    /** The family for {@code general}, or null when {@code general} is not a {@link PanamaKernels}. */
    public static TuckerKernels create(Kernels general) {
        return general instanceof PanamaKernels panama ? new PanamaTuckerKernels(panama) : null;
    }

    @Override
    public void contractAllButMode(Tensor x, Tensor y, int mode, Tensor out) {
        ShapeChecks.contractAllButMode(x, y, mode, out);
        kernels.modeProducts().contract(x, y, mode, out);
    }

    @Override
    public void tuckerEvaluate(Tensor core, Tensor[] factors, Coordinates at, Tensor values) {
        ShapeChecks.tuckerEvaluate(core, factors, at, values);
        kernels.sampled().tuckerEvaluate(core, factors, at, values);
    }

    @Override
    public void tuckerScatterCore(Tensor[] factors, Coordinates at, Tensor weights, Tensor out) {
        ShapeChecks.tuckerScatterCore(factors, at, weights, out);
        kernels.sampled().tuckerScatterCore(factors, at, weights, out);
    }

    @Override
    public void tuckerScatterFactor(Tensor core, Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out) {
        ShapeChecks.tuckerScatterFactor(core, factors, mode, at, weights, out);
        kernels.sampled().tuckerScatterFactor(core, factors, mode, at, weights, out);
    }
}
