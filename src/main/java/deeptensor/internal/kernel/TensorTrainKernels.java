package deeptensor.internal.kernel;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;

/**
 * The kernels only the tensor-train model needs: its values at observed entries and their adjoints
 * in each core (the gradients). The contract of {@link Kernels} holds.
 *
 * <p>Tensor-train cores {@code G_k} have shape {@code r_{k-1} × d_k × r_k} with {@code r_0 = r_N = 1}.
 */
public interface TensorTrainKernels {

    /** The plain-Java reference implementation. */
    static TensorTrainKernels scalar() {
        return ScalarTensorTrainKernels.INSTANCE;
    }

    /** The implementation that goes with the kernels {@link KernelProvider} chose. */
    static TensorTrainKernels chosen() {
        return KernelProvider.family(TensorTrainKernels.class, scalar());
    }

    /** The tensor-train model at the coordinates: {@code values[e] = G_1[i_1] ⋯ G_N[i_N]} (a 1×1 product). */
    void ttEvaluate(Tensor[] cores, Coordinates at, Tensor values);

    /** Adjoint of {@link #ttEvaluate} in core {@code k}: {@code out[a, i_k, b] = Σ_e weights[e] · left_e[a] · right_e[b]}, the products of the slices before and after {@code k}. */
    void ttScatterCore(Tensor[] cores, int k, Coordinates at, Tensor weights, Tensor out);
}
