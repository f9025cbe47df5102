package deeptensor.internal.metrics;

import deeptensor.internal.model.TuckerModel;

/**
 * The per-mode core-slice norms {@code ‖G_(n), j‖} of a Tucker model and how many exceed given
 * thresholds: the AISTATS 2024 "implicit multilinear ranks" (Hariz et al., 2024).
 */
public final class CoreSlices {

    private static final double[] AISTATS_THRESHOLDS = {0.1, 1, 10};

    /** The thresholds the AISTATS 2024 code counts core-slice norms above: 0.1, 1 and 10 (a new array each call). */
    public static double[] aistatsThresholds() {
        return AISTATS_THRESHOLDS.clone();
    }

    private final double[][] norms;

    private CoreSlices(double[][] norms) {
        this.norms = norms;
    }

    /** The core-slice norms of every mode of {@code model}'s current core. */
    public static CoreSlices of(TuckerModel model) {
        double[][] norms = new double[model.shape().order()][];
        for (int n = 0; n < norms.length; n++) {
            norms[n] = model.coreSliceNorms(n);
        }
        return new CoreSlices(norms);
    }

    /**
     * The norms of the groups (core slice {@code j} of mode {@code n}, column {@code j} of the
     * end-to-end factor {@code U^n}): {@code ‖G_(n), j‖ · ‖u_j^n‖}. Unlike the raw slice norms these do not
     * change under the model's symmetry (slice times α, column divided by α), so they say how much each
     * group contributes whatever the balance between core and factors.
     */
    public static CoreSlices groups(TuckerModel model) {
        model.forwardFactors();
        double[][] norms = new double[model.shape().order()][];
        for (int n = 0; n < norms.length; n++) {
            norms[n] = model.coreSliceNorms(n);
            deeptensor.tensor.Tensor factor = model.factors().get(n).matrix();
            for (int j = 0; j < norms[n].length; j++) {
                double sum = 0;
                for (int i = 0; i < factor.rows(); i++) {
                    sum += factor.get(i, j) * factor.get(i, j);
                }
                norms[n][j] *= Math.sqrt(sum);
            }
        }
        return new CoreSlices(norms);
    }

    /** The slice norms of mode {@code mode}, in index order. */
    public double[] norms(int mode) {
        return norms[mode].clone();
    }

    /** For every mode, how many slice norms exceed each threshold ({@code counts[mode][t]}). */
    public int[][] countsAbove(double... thresholds) {
        int[][] counts = new int[norms.length][];
        for (int n = 0; n < norms.length; n++) {
            counts[n] = UnfoldingSpectra.countsAbove(norms[n], thresholds);
        }
        return counts;
    }
}
