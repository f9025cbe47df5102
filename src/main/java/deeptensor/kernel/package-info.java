/**
 * The numerical kernels: one interface ({@link deeptensor.kernel.Kernels}), a scalar reference
 * implementation that defines correct results, a Vector API implementation chosen once at start-up
 * ({@link deeptensor.kernel.KernelProvider}), and the static facade {@link deeptensor.kernel.TensorOps}.
 */
package deeptensor.kernel;
