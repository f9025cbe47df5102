/**
 * Not exported: the argument checks every {@code Kernels} implementation runs before touching
 * memory ({@code ShapeChecks}), shared by the scalar kernels and the Vector API ones in their own
 * package, so that both refuse the same inputs with the same words.
 */
package deeptensor.kernel.internal;
