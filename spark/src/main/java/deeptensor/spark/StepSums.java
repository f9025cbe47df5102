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
    /** The squared errors and count of the entries the gradient was taken on (mini-batch: the step's sample; local SGD: all). */
    double batchSquares;
    long batchCount;
    /**
     * Σ_p m_p · ∇ℓ_p (m_p: the entries the partition's gradient was taken on), or null before the
     * first partition with a gradient. For local SGD: Σ_p m_p · (parameters, optimizer vectors,
     * optimizer scalars) of each partition after its local steps.
     */
    double[] gradient;

    StepSums add(StepSums other) {
        trainSquares += other.trainSquares;
        trainCount += other.trainCount;
        validationSquares += other.validationSquares;
        validationCount += other.validationCount;
        batchSquares += other.batchSquares;
        batchCount += other.batchCount;
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
