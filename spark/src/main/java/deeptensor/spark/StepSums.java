package deeptensor.spark;

import java.io.Serializable;

/**
 * What one pass over the partitions adds up: the squared errors of the training and validation
 * entries, their counts, and the gradient of the training part summed over entries (each
 * partition's gradient of its mean loss weighted by its entry count). Divided by the total count on
 * the driver it is the gradient of {@code (1/m) Σ (W − Y)²} over all training entries, the local
 * path's loss. Mutable: Spark's aggregation reuses the left operand.
 */
final class StepSums implements Serializable {

    double trainSquares;
    long trainCount;
    double validationSquares;
    long validationCount;
    /** Σ_p m_p · ∇ℓ_p, or null before the first partition with a gradient. */
    double[] gradient;

    StepSums add(StepSums other) {
        trainSquares += other.trainSquares;
        trainCount += other.trainCount;
        validationSquares += other.validationSquares;
        validationCount += other.validationCount;
        if (other.gradient != null) {
            if (gradient == null) {
                gradient = other.gradient;
            } else {
                double[] g = gradient, h = other.gradient;
                for (int i = 0; i < g.length; i++) {
                    g[i] += h[i];
                }
            }
        }
        return this;
    }
}
