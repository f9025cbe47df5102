/**
 * Off-heap dense tensors ({@link deeptensor.tensor.Tensor}), their shapes and lists of coordinates.
 * Row-major (C order) layout, 0-based modes, {@code double} elements, 64-byte alignment.
 */
package deeptensor.tensor;
