package deeptensor.model;

/**
 * A description of a model that can be built for any tensor shape: which structure ({@link CP},
 * {@link Tucker}, {@link TensorTrain}), which factor form and depth, and which ranks (by default the
 * over-parameterized ones, so that no rank has to be chosen). Immutable; builders return copies.
 */
public sealed interface ModelSpec permits CP, Tucker, TensorTrain {

    /** The factor form every factor is built in. */
    FactorForm factorForm();
}
