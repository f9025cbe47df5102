/**
 * What the model specifications describe: CP, Tucker and tensor-train models with factors in any
 * {@link deeptensor.model.FactorForm} at any depth, the mean-squared-error loss on observed entries
 * and its gradient derived by hand, and {@link deeptensor.internal.model.Factorization}, a fitted
 * model reduced to its plain factors. {@link deeptensor.internal.model.Models#build} makes a model
 * from a specification; {@code deeptensor.internal.train} initializes and trains it. Not exported.
 */
package deeptensor.internal.model;
