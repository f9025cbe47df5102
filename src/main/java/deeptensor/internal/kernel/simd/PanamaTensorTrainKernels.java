package deeptensor.internal.kernel.simd;

import deeptensor.internal.kernel.TensorTrainKernels;
import deeptensor.internal.kernel.Kernels;
import deeptensor.internal.kernel.ShapeChecks;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;

/**
 * The Vector API implementation of {@link TensorTrainKernels}: the tensor-train evaluation and core scatters. It runs the same {@link ShapeChecks}
 * as the scalar reference first and shares the vector width and threads of the {@link PanamaKernels}
 * it was made from. {@link deeptensor.internal.kernel.KernelProvider#family} makes it (reflectively, by name).
 */
public final class PanamaTensorTrainKernels implements TensorTrainKernels {

    private final PanamaKernels kernels;

    private PanamaTensorTrainKernels(PanamaKernels kernels) {
        this.kernels = kernels;
    }

    /** The family for {@code general}, or null when {@code general} is not a {@link PanamaKernels}. */
    public static TensorTrainKernels create(Kernels general) {
        return general instanceof PanamaKernels panama ? new PanamaTensorTrainKernels(panama) : null;
    }

    @Override
    public void ttEvaluate(Tensor[] cores, Coordinates at, Tensor values) {
        ShapeChecks.ttEvaluate(cores, at, values);
        kernels.sampled().ttEvaluate(cores, at, values);
    }

    @Override
    public void ttScatterCore(Tensor[] cores, int k, Coordinates at, Tensor weights, Tensor out) {
        ShapeChecks.ttScatterCore(cores, k, at, weights, out);
        kernels.sampled().ttScatterCore(cores, k, at, weights, out);
    }
}
