/**
 * The training vocabulary a completion's report speaks: {@link deeptensor.train.StopReason}, why a
 * fit stopped. The training loop itself (optimizers, initializers, checkpoints) is internal.
 */
package deeptensor.train;
