/**
 * deeptensor's entry point: {@link deeptensor.Completion} completes a tensor from its observed
 * entries by deep factorization and reports the ranks it found. The packages below it are the parts:
 * {@code deeptensor.model} (models and gradients), {@code deeptensor.train} (optimizers,
 * initialization, training loop), {@code deeptensor.metrics}, {@code deeptensor.tensor},
 * {@code deeptensor.kernel} and {@code deeptensor.linalg}.
 */
package deeptensor;
