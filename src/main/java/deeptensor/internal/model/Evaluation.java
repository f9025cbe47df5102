package deeptensor.internal.model;

/**
 * How a model is evaluated at observed entries. Both ways give the same loss and gradients (up to
 * rounding; a property test checks it); they differ in cost only.
 */
public enum Evaluation {
    /** Pick the cheaper of the two from a flop estimate for the batch size (the default). */
    AUTO,
    /** Evaluate only at the observed coordinates (a gather of model entries, and its adjoint scatter). */
    SAMPLED,
    /** Reconstruct the whole tensor, read the observed entries, and back-propagate a dense gradient. */
    DENSE
}
