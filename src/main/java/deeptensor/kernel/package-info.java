/**
 * The kernels facade, {@link deeptensor.kernel.TensorOps}: mode-n products, Tucker and CP
 * reconstruction, MTTKRP, Khatri-Rao, unfolding and evaluation at observed entries, on off-heap
 * tensors, with the caller passing the outputs. Each call runs the kernels chosen once at start-up:
 * the Vector API implementation when the JVM has {@code jdk.incubator.vector}, else the plain-Java
 * reference (with one warning). The interface and both implementations are internal.
 *
 * <pre>{@code
 * try (Tensor x = Tensor.gaussian(1, 1.0, 30, 40, 50);
 *      Tensor u = Tensor.gaussian(2, 1.0, 8, 40);       // J × d₁
 *      Tensor y = Tensor.zeros(30, 8, 50)) {
 *     TensorOps.modeProduct(x, 1, u, y);                 // y = x ×₁ u
 * }
 * }</pre>
 */
package deeptensor.kernel;
