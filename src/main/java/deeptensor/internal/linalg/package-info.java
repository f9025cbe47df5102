/**
 * Dense linear algebra on {@link deeptensor.tensor.Tensor} matrices that the kernels do not cover:
 * the singular value decomposition used by the metrics and the {@code info} command.
 */
package deeptensor.internal.linalg;
