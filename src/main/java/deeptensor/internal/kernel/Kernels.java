package deeptensor.internal.kernel;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;

/**
 * The general tensor algebra of deeptensor — products, unfoldings, gathers and scatters — behind one
 * narrow interface with two implementations: the plain-Java {@linkplain #scalar() scalar reference}
 * (the oracle that defines correct results) and a Vector API implementation chosen once at start-up
 * by {@link KernelProvider}. Most callers use the static facade {@link TensorOps} instead.
 *
 * <p>What only one model needs lives in that model's own kernel family — {@link CpKernels},
 * {@link TuckerKernels}, {@link TensorTrainKernels} — with its own scalar reference and Vector API
 * implementation, found by {@link KernelProvider#family}: a new model adds its family without
 * touching this interface. The contract below holds for every family.
 *
 * <h2>Contract shared by every method</h2>
 * <ul>
 *   <li>Outputs are passed in by the caller and overwritten (never accumulated into, unless the
 *       method says so); no method allocates off-heap memory.</li>
 *   <li>Shapes are checked first; a mismatch throws {@link IllegalArgumentException} naming the
 *       shapes involved. Outputs that share memory with an input are rejected the same way.</li>
 *   <li>Conventions (docs/design.md): row-major tensors; the mode-n product
 *       {@code (X ×_n U)[.., j, ..] = Σ_i X[.., i, ..] · U[j, i]} with {@code U} of shape
 *       {@code J × I_n}; the mode-n unfolding and the Khatri-Rao product in TensorLy's order (the
 *       remaining modes in increasing order, the last varying fastest).</li>
 *   <li>CP factors are matrices {@code F^n} of shape {@code d_n × R}; Tucker factors {@code U^n}
 *       of shape {@code d_n × R_n} with a core of shape {@code R_1 × ... × R_N}; tensor-train cores
 *       {@code G_k} of shape {@code r_{k-1} × d_k × r_k} with {@code r_0 = r_N = 1}.</li>
 *   <li>Non-finite inputs. Each output element is a sum of terms, each a product of input
 *       elements. The scalar reference adds the terms one by one, as IEEE 754 defines (NaN for
 *       {@code 0·∞} or when infinities of both signs meet). Every implementation guarantees:
 *       <ul>
 *         <li>an element that a NaN input reaches is NaN;</li>
 *         <li>an element that an infinite input reaches (and no NaN) is never finite; where the
 *             reference gives {@code +∞} or {@code −∞}, every implementation gives the same;</li>
 *         <li>where the reference gives NaN only because infinities met ({@code ∞ − ∞} or
 *             {@code 0·∞} between terms), an implementation that factors the sum may give an
 *             infinity instead: IEEE multiplication does not distribute at infinity
 *             ({@code ∞·(a + b)} is an infinity while {@code ∞·a + ∞·b} is NaN when a and b have
 *             opposite signs). The SIMD MTTKRP and sampled Tucker scatters, for example, factor
 *             their sums this way; the scalar reference does not.</li>
 *         <li>{@link #gemm} does not factor: its elements follow the term-by-term rule exactly in
 *             every implementation.</li>
 *       </ul>
 *       These hold while no finite product or partial sum overflows; past
 *       {@link Double#MAX_VALUE} the result depends on the order of summation and on fused
 *       multiply-adds (an FMA does not round an overflowing product to infinity), and
 *       implementations may differ.</li>
 *   <li>"Scatter" methods are the adjoints of the matching sampled evaluations with respect to one
 *       block of parameters (the others fixed): {@code <eval(x), y> = <x, scatter(y)>}. They are
 *       the gradients of a loss through the model given its derivative at each observed entry.</li>
 * </ul>
 */
public interface Kernels {

    /** The plain-Java reference implementation. */
    static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /** A short name for logs and benchmarks, for example {@code scalar} or {@code panama-512}. */
    String name();

    /**
     * {@code C = alpha · op(A) · op(B) + beta · C}, where {@code op} transposes when asked. As in
     * BLAS, {@code beta == 0} overwrites C without reading it (NaN in C does not survive), and
     * {@code alpha == 0} does not read A or B: C becomes {@code beta · C} even where A or B hold
     * infinities or NaN.
     */
    void gemm(double alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB, double beta, Tensor c);

    /** {@code out = x ×_mode u}: {@code u} is {@code J × x.dim(mode)}; {@code out} has x's shape with that mode resized to {@code J}. */
    void modeProduct(Tensor x, int mode, Tensor u, Tensor out);

    /** Column-wise Kronecker product of matrices with a common column count {@code R}: {@code out} is {@code (Π rows) × R}. */
    void khatriRao(Tensor[] matrices, Tensor out);

    /**
     * Matricized tensor times Khatri-Rao product: {@code out = X_(mode) · KR(F^m, m ≠ mode)}, that is
     * {@code out[i, r] = Σ X[.., i, ..] · Π_{m≠mode} F^m[i_m, r]}. {@code factors[mode]} is ignored
     * and may be null; {@code out} is {@code x.dim(mode) × R}.
     */
    void mttkrp(Tensor x, Tensor[] factors, int mode, Tensor out);

    /** {@code out = Aᵀ · A}. */
    void gram(Tensor a, Tensor out);

    /** The mode-n unfolding {@code X_(mode)} of shape {@code I_mode × (Π_{m≠mode} I_m)}, TensorLy's column order. */
    void unfold(Tensor x, int mode, Tensor out);

    /** The inverse of {@link #unfold}: {@code out} takes the tensor shape. */
    void fold(Tensor matrix, int mode, Tensor out);

    /** {@code values[e] = x[at_e]}. */
    void gather(Tensor x, Coordinates at, Tensor values);

    /** Adjoint of {@link #gather}: {@code out = Σ_e weights[e] · δ(at_e)} (zero elsewhere; repeated coordinates add). */
    void scatter(Coordinates at, Tensor weights, Tensor out);
}
