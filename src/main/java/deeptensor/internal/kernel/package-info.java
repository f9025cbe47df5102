/**
 * The numerical kernels behind {@link deeptensor.kernel.TensorOps}: the general tensor algebra
 * ({@link deeptensor.internal.kernel.Kernels}) and the per-model families
 * ({@link deeptensor.internal.kernel.CpKernels}, {@link deeptensor.internal.kernel.TuckerKernels},
 * {@link deeptensor.internal.kernel.TensorTrainKernels}), each with a scalar reference that defines
 * correct results and a Vector API implementation chosen once at start-up
 * ({@link deeptensor.internal.kernel.KernelProvider}); the argument checks both run
 * ({@link deeptensor.internal.kernel.ShapeChecks}). Not exported.
 */
package deeptensor.internal.kernel;
