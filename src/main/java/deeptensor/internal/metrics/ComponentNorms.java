package deeptensor.internal.metrics;

import deeptensor.internal.linalg.ModeSpectra;
import deeptensor.internal.model.CpModel;
import java.util.Arrays;

/**
 * The CP component norms {@code ‖W_r‖ = Π_n ‖w_r^n‖} of a CP model and the rank proxies built on
 * them: normalized norms, the top k, the numerical CP rank at a relative
 * threshold and the effective CP rank.
 */
public final class ComponentNorms {

    private final double[] norms;

    private ComponentNorms(double[] norms) {
        this.norms = norms;
    }

    /** The component norms of {@code model}'s current parameters. */
    public static ComponentNorms of(CpModel model) {
        double[] norms = new double[model.rank()];
        model.componentNorms(norms);
        return new ComponentNorms(norms);
    }

    /** Wraps given component norms (non-negative). */
    public static ComponentNorms of(double[] norms) {
        for (double v : norms) {
            if (!(v >= 0 && v < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("component norms must be finite and non-negative, got " + v);
            }
        }
        return new ComponentNorms(norms.clone());
    }

    /** The raw norms, in component order. */
    public double[] raw() {
        return norms.clone();
    }

    /** The norms divided by a reference norm, {@code n_r = ‖W_r‖ / ‖W*‖_F}. */
    public double[] normalizedBy(double reference) {
        if (!(reference > 0)) {
            throw new IllegalArgumentException("the reference norm must be positive, got " + reference);
        }
        double[] out = norms.clone();
        for (int r = 0; r < out.length; r++) {
            out[r] /= reference;
        }
        return out;
    }

    /** The norms divided by the largest, {@code n_r' = ‖W_r‖ / max ‖W_r'‖} (all zero if every norm is 0). */
    public double[] normalizedByMax() {
        double max = Arrays.stream(norms).max().orElse(0);
        return max == 0 ? new double[norms.length] : normalizedBy(max);
    }

    /** The {@code k} largest norms, descending. */
    public double[] top(int k) {
        double[] sorted = norms.clone();
        Arrays.sort(sorted);
        double[] top = new double[Math.min(k, sorted.length)];
        for (int i = 0; i < top.length; i++) {
            top[i] = sorted[sorted.length - 1 - i];
        }
        return top;
    }

    /** The numerical CP rank: how many components have {@code n_r' > threshold}. */
    public int numericalRank(double threshold) {
        return ModeSpectra.numericalRank(norms, threshold);
    }

    /** The effective CP rank: Roy &amp; Vetterli's effective rank applied to the component norms. */
    public double effectiveRank() {
        return ModeSpectra.effectiveRank(norms);
    }
}
