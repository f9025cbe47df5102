package deeptensor.internal.kernel;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;

/**
 * The kernels only the Tucker model needs: its values at observed entries and their adjoints in the
 * core and in each factor (the gradients). Its dense reconstruction is a multi-mode product of the
 * general kernels ({@link TensorOps#tuckerReconstruct}). The contract of {@link Kernels} holds.
 *
 * <p>Tucker factors are matrices {@code U^n} of shape {@code d_n × R_n}, with a core of shape
 * {@code R_1 × ... × R_N}.
 */
public interface TuckerKernels {

    /** The plain-Java reference implementation. */
    static TuckerKernels scalar() {
        return ScalarTuckerKernels.INSTANCE;
    }

    /** The implementation that goes with the kernels {@link KernelProvider} chose. */
    static TuckerKernels chosen() {
        return KernelProvider.family(TuckerKernels.class, scalar());
    }

    /**
     * The contraction of two tensors over every mode but {@code mode}:
     * {@code out[a, b] = Σ x[.., a, ..] · y[.., b, ..]}, that is {@code X_(mode) · Y_(mode)ᵀ}, without
     * unfolding; {@code x} and {@code y} agree on every other mode. The dense gradient of a Tucker
     * factor: the loss derivative contracted with the partial product that the factor multiplied.
     */
    void contractAllButMode(Tensor x, Tensor y, int mode, Tensor out);

    /** The Tucker model at the coordinates: {@code values[e] = Σ_r G[r] Π_n U^n[i_n, r_n]}. */
    void tuckerEvaluate(Tensor core, Tensor[] factors, Coordinates at, Tensor values);

    /** Adjoint of {@link #tuckerEvaluate} in the core: {@code out[r] = Σ_e weights[e] Π_n U^n[i_n, r_n]}. */
    void tuckerScatterCore(Tensor[] factors, Coordinates at, Tensor weights, Tensor out);

    /** Adjoint of {@link #tuckerEvaluate} in {@code U^mode}: {@code out[i_mode, r_mode] = Σ_e weights[e] Σ_{r≠mode} G[r] Π_{m≠mode} U^m[i_m, r_m]}. */
    void tuckerScatterFactor(Tensor core, Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out);
}
