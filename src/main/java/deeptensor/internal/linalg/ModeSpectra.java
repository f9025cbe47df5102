package deeptensor.internal.linalg;

import deeptensor.kernel.TensorOps;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;

/**
 * The singular values of a tensor's mode-n unfoldings (its n-mode spectra) and the summaries the
 * metrics and the {@code info} command report from a spectrum: energy captured by the top k, effective
 * rank, numerical rank.
 *
 * <p>The spectra come from {@link Svd#singularValues} on the unfolding itself, not from the eigenvalues
 * of the Gram matrix {@code X_(n) X_(n)ᵀ}: squaring the matrix squares its condition number, so through
 * the Gram matrix a singular value below {@code √ε · σ_max ≈ 1.5·10⁻⁸ σ_max} is lost in rounding, while
 * the SVD of the unfolding keeps it to {@code ~ε σ_max}. The unfolding follows TensorLy's column order
 * ({@link TensorOps#unfold}); the singular values do not depend on that order anyway.
 *
 * <p>Spectra passed to the summary methods are arrays of non-negative finite values; methods that
 * speak of "the top k" need them in descending order, as {@link Svd} returns them. An all-zero (or
 * empty) spectrum is the spectrum of a zero matrix: it has rank 0, effective rank 0, and every top k
 * captures all of its (zero) energy.
 */
public final class ModeSpectra {

    private ModeSpectra() {
    }

    /**
     * The singular values of the mode-{@code mode} unfolding {@code X_(mode)}, descending;
     * {@code min(I_mode, size / I_mode)} of them. Allocates the unfolding (off-heap, one copy of the
     * tensor) and the SVD's heap copy; see {@link Svd} for cost and accuracy.
     *
     * @throws IllegalArgumentException if the mode does not exist or the tensor holds NaN or an infinity
     */
    public static double[] singularValues(Tensor x, int mode) {
        Shape unfolded = TensorOps.unfoldedShape(x.shape(), mode);
        try (Tensor matrix = Tensor.zeros(unfolded)) {
            TensorOps.unfold(x, mode, matrix);
            return Svd.singularValues(matrix);
        }
    }

    /** The spectra of every mode: element {@code n} is {@link #singularValues(Tensor, int) singularValues(x, n)}. */
    public static double[][] all(Tensor x) {
        double[][] spectra = new double[x.order()][];
        for (int mode = 0; mode < spectra.length; mode++) {
            spectra[mode] = singularValues(x, mode);
        }
        return spectra;
    }

    /**
     * The share of the energy held by the {@code k} largest singular values:
     * {@code Σ_{i<k} σ_i² / Σ_i σ_i²}, in [0, 1]. For a mode-n spectrum the denominator is
     * {@code ‖X‖_F²}. {@code k} larger than the spectrum counts all of it; 1 for a zero spectrum.
     *
     * @param s a descending spectrum
     * @throws IllegalArgumentException if {@code k < 0} or {@code s} is not a descending list of
     *     non-negative finite values
     */
    public static double energy(double[] s, int k) {
        checkDescending(s);
        if (k < 0) {
            throw new IllegalArgumentException("the number of singular values k must be non-negative, not " + k);
        }
        double total = sumOfSquares(s, s.length);
        if (total == 0) {
            return 1.0;
        }
        return Math.min(1.0, sumOfSquares(s, Math.min(k, s.length)) / total);
    }

    /**
     * The smallest {@code k} whose top-{@code k} {@linkplain #energy energy} reaches {@code fraction}
     * (within 10⁻¹² for rounding, so that a fraction of exactly 1 is reached by the whole spectrum); 0 for
     * a zero spectrum.
     *
     * @param fraction a share in [0, 1]
     * @throws IllegalArgumentException if {@code fraction} is outside [0, 1] or {@code s} is not a
     *     descending list of non-negative finite values
     */
    public static int rankForEnergy(double[] s, double fraction) {
        checkDescending(s);
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the energy fraction must be in [0, 1], not " + fraction);
        }
        double total = sumOfSquares(s, s.length);
        if (total == 0) {
            return 0;
        }
        double target = (fraction - 1e-12) * total;
        double running = 0;
        for (int k = 0; k < s.length; k++) {
            if (running >= target) {
                return k;
            }
            double r = s[k] / s[0];
            running += r * r;
        }
        return s.length;
    }

    /**
     * The effective rank of Roy &amp; Vetterli (EUSIPCO 2007): {@code exp(−Σ p_i ln p_i)} with
     * {@code p_i = σ_i / Σ_j σ_j} and {@code 0 · ln 0 = 0}. Between 1 and the rank for a nonzero spectrum
     * (k for k equal values, 1 for a single nonzero value); 0 for a zero spectrum. Order does not matter.
     *
     * @throws IllegalArgumentException if {@code s} holds a negative, NaN or infinite value
     */
    public static double effectiveRank(double[] s) {
        checkValues(s);
        double largest = 0;
        for (double value : s) {
            largest = Math.max(largest, value);
        }
        if (largest == 0) {
            return 0.0;
        }
        double sum = 0; // relative to the largest value, so that a sum near the top of the range does not overflow
        for (double value : s) {
            sum += value / largest;
        }
        double entropy = 0;
        for (double value : s) {
            if (value > 0) {
                double share = value / largest / sum;
                entropy -= share * Math.log(share);
            }
        }
        return Math.exp(entropy);
    }

    /**
     * The numerical rank at a relative threshold: how many singular values exceed
     * {@code threshold · σ_max}. With {@code threshold = 0} it counts the nonzero values. Order does not
     * matter. A useful threshold for a computed spectrum is {@code max(m, n) · ε ≈ 10⁻¹³}; below it the
     * values are rounding noise.
     *
     * @throws IllegalArgumentException if {@code threshold} is negative or not finite, or {@code s} holds
     *     a negative, NaN or infinite value
     */
    public static int numericalRank(double[] s, double threshold) {
        checkValues(s);
        if (!(threshold >= 0 && threshold < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("the relative rank threshold must be finite and non-negative, not "
                    + threshold);
        }
        double largest = 0;
        for (double value : s) {
            largest = Math.max(largest, value);
        }
        double cut = threshold * largest;
        int rank = 0;
        for (double value : s) {
            if (value > cut) {
                rank++;
            }
        }
        return rank;
    }

    /**
     * {@code Σ (s_i / s_0)²} over the first {@code count} values of a descending spectrum: relative to the
     * largest value squared, so that spectra near the ends of the double range neither overflow
     * (values above ~1e154) nor underflow (below ~1e-154) when squared; only ratios are used.
     */
    private static double sumOfSquares(double[] s, int count) {
        if (s.length == 0 || s[0] == 0) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            double r = s[i] / s[0];
            sum += r * r;
        }
        return sum;
    }

    private static void checkValues(double[] s) {
        for (int i = 0; i < s.length; i++) {
            if (!(s[i] >= 0 && s[i] < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("a spectrum holds non-negative finite values, but value " + i
                        + " is " + s[i]);
            }
        }
    }

    private static void checkDescending(double[] s) {
        checkValues(s);
        for (int i = 1; i < s.length; i++) {
            if (s[i] > s[i - 1]) {
                throw new IllegalArgumentException("a spectrum for top-k energy must be descending, but value " + i
                        + " (" + s[i] + ") exceeds value " + (i - 1) + " (" + s[i - 1] + ")");
            }
        }
    }
}
