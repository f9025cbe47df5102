/**
 * Reading and writing tensors and observations: NumPy {@code .npy}, FROSTT {@code .tns} and CSV
 * coordinates. Readers reject malformed input with a message naming the file, the position and the
 * problem; writers replace their target atomically.
 */
package deeptensor.io;
