/**
 * Training of {@link deeptensor.model.Model}s: optimizers with the reference update rules,
 * initializations, and the training loop with stopping rules, validation, divergence handling,
 * listeners and checkpoints.
 */
package deeptensor.train;
