package deeptensor.model;

import deeptensor.tensor.Shape;

/**
 * A description of a model that can be built for any tensor shape: which structure ({@link CP},
 * {@link Tucker}, {@link TensorTrain}), which factor form and depth, and which ranks (by default the
 * over-parameterized ones, so that no rank has to be chosen). Immutable; builders return copies.
 */
public sealed interface ModelSpec permits CP, Tucker, TensorTrain {

    /** Builds the model for tensors of {@code shape}, parameters zero (an initializer sets them). */
    Model build(Shape shape);

    /** The factor form every factor is built in. */
    FactorForm factorForm();

    /** The depth of the factor form. */
    default int depth() {
        return factorForm().depth();
    }
}
