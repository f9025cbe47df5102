package deeptensor.internal.kernel;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;

/**
 * The kernels only the CP model needs: its dense reconstruction, its values at observed entries and
 * the adjoints of those in each factor (the gradients). The contract of {@link Kernels} holds (outputs
 * passed in, shapes and aliasing checked first, the scalar reference as the oracle).
 *
 * <p>CP factors are matrices {@code F^n} of shape {@code d_n × R}.
 */
public interface CpKernels {

    /** The plain-Java reference implementation. */
    static CpKernels scalar() {
        return ScalarCpKernels.INSTANCE;
    }

    /** The implementation that goes with the kernels {@link KernelProvider} chose. */
    static CpKernels chosen() {
        return KernelProvider.family(CpKernels.class, scalar());
    }

    /** {@code out[i_1..i_N] = Σ_r Π_n F^n[i_n, r]}. */
    void cpReconstruct(Tensor[] factors, Tensor out);

    /**
     * The MTTKRP of {@code x} in every mode at once: {@code outs[n]} is what
     * {@link Kernels#mttkrp Kernels.mttkrp(x, factors, n, outs[n])} gives, for every {@code n} (the
     * dense gradient of a CP model in all its factors). Faster implementations share work between
     * the modes (a dimension tree), so the sums may be rounded in another order than N separate calls.
     */
    void mttkrpEveryMode(Tensor x, Tensor[] factors, Tensor[] outs);

    /** The CP model at the coordinates: {@code values[e] = Σ_r Π_n F^n[i_n, r]}. */
    void cpEvaluate(Tensor[] factors, Coordinates at, Tensor values);

    /** Adjoint of {@link #cpEvaluate} in {@code F^mode}: {@code out[i_mode, r] = Σ_e weights[e] Π_{m≠mode} F^m[i_m, r]} over entries with that {@code i_mode}. */
    void cpScatter(Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out);
}
