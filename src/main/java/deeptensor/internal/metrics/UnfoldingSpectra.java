package deeptensor.internal.metrics;

import deeptensor.internal.linalg.ModeSpectra;
import deeptensor.internal.linalg.Svd;
import deeptensor.tensor.Tensor;

/**
 * Rank measures of a dense tensor from the singular values of its unfoldings:
 * the n-mode singular values (those of the mode-n unfoldings, equal to the HOSVD core-slice norms),
 * the singular values of the tensor-train unfoldings {@code W_⟨k⟩} ({@code (d_1⋯d_k) × (d_{k+1}⋯d_N)}),
 * their effective ranks, and the sums of nuclear norms.
 */
public final class UnfoldingSpectra {

    private UnfoldingSpectra() {
    }

    /** The singular values of every mode-n unfolding, descending (element {@code n} for mode {@code n}). */
    public static double[][] modeSingularValues(Tensor x) {
        return ModeSpectra.all(x);
    }

    /** The effective rank (Roy &amp; Vetterli) of every mode-n unfolding. */
    public static double[] modeEffectiveRanks(Tensor x) {
        return effectiveRanks(modeSingularValues(x));
    }

    /**
     * The singular values of every tensor-train unfolding {@code W_⟨k⟩}, {@code k = 1..N−1} (element
     * {@code k−1}). In row-major order the unfolding is a plain reshape, so no copy is made beyond the SVD's own.
     */
    public static double[][] ttSingularValues(Tensor x) {
        int order = x.order();
        double[][] spectra = new double[Math.max(0, order - 1)][];
        for (int k = 1; k < order; k++) {
            long rows = x.shape().sizeOf(0, k), cols = x.shape().sizeOf(k, order);
            if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("the TT unfolding " + k + " of shape " + x.shape() + " is too large");
            }
            spectra[k - 1] = Svd.singularValues(x.reshape((int) rows, (int) cols));
        }
        return spectra;
    }

    /** The effective rank of every tensor-train unfolding. */
    public static double[] ttEffectiveRanks(Tensor x) {
        return effectiveRanks(ttSingularValues(x));
    }

    /** The sum of nuclear norms with equal weights, {@code SNN = (1/N) Σ_n ‖W_(n)‖_*}. */
    public static double sumOfNuclearNorms(Tensor x) {
        return meanNuclearNorm(modeSingularValues(x));
    }

    /** The tensor-train analogue, {@code (1/(N−1)) Σ_k ‖W_⟨k⟩‖_*}. */
    public static double ttSumOfNuclearNorms(Tensor x) {
        return meanNuclearNorm(ttSingularValues(x));
    }

    /** The effective rank of each spectrum. */
    public static double[] effectiveRanks(double[][] spectra) {
        double[] ranks = new double[spectra.length];
        for (int k = 0; k < spectra.length; k++) {
            ranks[k] = ModeSpectra.effectiveRank(spectra[k]);
        }
        return ranks;
    }

    /** How many values exceed each absolute threshold (for example the AISTATS counts above 0.1, 1 and 10). */
    public static int[] countsAbove(double[] values, double... thresholds) {
        int[] counts = new int[thresholds.length];
        for (int t = 0; t < thresholds.length; t++) {
            for (double v : values) {
                if (v > thresholds[t]) {
                    counts[t]++;
                }
            }
        }
        return counts;
    }

    private static double meanNuclearNorm(double[][] spectra) {
        double sum = 0;
        for (double[] spectrum : spectra) {
            for (double s : spectrum) {
                sum += s;
            }
        }
        return spectra.length == 0 ? 0 : sum / spectra.length;
    }
}
