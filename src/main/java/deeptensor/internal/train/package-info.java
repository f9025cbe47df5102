/**
 * Training of {@link deeptensor.internal.model.Model}s (not exported): optimizers with the reference update rules,
 * initializations, and the training loop with stopping rules, validation, divergence handling,
 * listeners, checkpoints and the one hold-out split ({@link deeptensor.internal.train.Split}).
 */
package deeptensor.internal.train;
