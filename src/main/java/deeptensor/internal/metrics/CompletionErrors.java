package deeptensor.internal.metrics;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;
import java.util.BitSet;

/**
 * How far an estimate {@code W} is from the true tensor {@code W*}, on all entries, on the observed
 * set {@code Ω} and on its complement.
 *
 * @param relativeAll         {@code ‖W − W*‖_F / ‖W*‖_F} over all entries (Razin's normalized error)
 * @param relativeObserved    the same restricted to {@code Ω}
 * @param relativeUnobserved  the same restricted to the complement of {@code Ω}
 * @param observedMse         {@code Σ_Ω (W − W*)² / |Ω|} (AISTATS "error_train")
 * @param unobservedMse       {@code Σ_{Ωᶜ} (W − W*)² / |Ωᶜ|} (AISTATS "error_test"; NaN if every entry is observed)
 * @param allMse              the mean square error over all entries (Arora's "test MSE")
 */
public record CompletionErrors(double relativeAll, double relativeObserved, double relativeUnobserved, double observedMse,
                               double unobservedMse, double allMse) {

    /**
     * The errors of {@code estimate} against {@code truth} (same shape) with the observed set
     * {@code observed} (repeated coordinates count once). A relative error whose reference norm is 0
     * is NaN.
     */
    public static CompletionErrors of(Tensor estimate, Tensor truth, Coordinates observed) {
        if (!estimate.shape().equals(truth.shape()) || !observed.shape().equals(truth.shape())) {
            throw new IllegalArgumentException("errors need an estimate, a truth and coordinates of one shape, got " + estimate.shape()
                    + ", " + truth.shape() + " and coordinates into " + observed.shape());
        }
        if (truth.size() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a tensor of shape " + truth.shape() + " is too large for the error mask");
        }
        BitSet mask = new BitSet((int) truth.size());
        for (int e = 0; e < observed.count(); e++) {
            mask.set((int) observed.offset(e));
        }
        double diffIn = 0, diffOut = 0, normIn = 0, normOut = 0;
        long countIn = 0;
        for (long i = 0; i < truth.size(); i++) {
            double t = truth.getFlat(i);
            double d = estimate.getFlat(i) - t;
            if (mask.get((int) i)) {
                diffIn += d * d;
                normIn += t * t;
                countIn++;
            } else {
                diffOut += d * d;
                normOut += t * t;
            }
        }
        long countOut = truth.size() - countIn;
        return new CompletionErrors(
                Math.sqrt((diffIn + diffOut) / (normIn + normOut)),
                Math.sqrt(diffIn / normIn),
                Math.sqrt(diffOut / normOut),
                countIn == 0 ? Double.NaN : diffIn / countIn,
                countOut == 0 ? Double.NaN : diffOut / countOut,
                (diffIn + diffOut) / truth.size());
    }
}
