/**
 * Deep factorization models for tensor completion: CP, Tucker and tensor train, each with factors in
 * any {@link deeptensor.model.FactorForm} (direct, shared chain, column chains) at any depth, the
 * mean-squared-error loss on observed entries and its gradient derived by hand.
 *
 * <p>Start from a spec ({@link deeptensor.model.CP}, {@link deeptensor.model.Tucker},
 * {@link deeptensor.model.TensorTrain}), {@linkplain deeptensor.model.ModelSpec#build build} a
 * {@link deeptensor.model.Model} for a shape, initialize it ({@code deeptensor.train.Initializer}) and
 * train it ({@code deeptensor.train.Trainer}).
 */
package deeptensor.model;
