package deeptensor.io;

import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.nio.file.Path;

/**
 * The content of a tensor file: a dense array (from {@code .npy}) or a set of observed entries
 * (from {@code .tns} or CSV). Owns its memory: close it.
 */
public sealed interface TensorFile extends AutoCloseable permits TensorFile.Dense, TensorFile.Sparse {

    /** The file, as the caller named it. */
    Path path();

    /** The file's format. */
    FileFormat format();

    /** The tensor's shape. */
    Shape shape();

    /** The number of observed entries: the non-NaN elements of a dense array, the entries of a sparse file. */
    long observedCount();

    /** Observed share of the shape's entries (0 for an empty shape). */
    default double observedFraction() {
        long size = shape().size();
        return size == 0 ? 0.0 : (double) observedCount() / size;
    }

    /** Releases the memory. */
    @Override
    void close();

    /**
     * A dense array read from a {@code .npy} file.
     *
     * @param path the file
     * @param header the file's header (dtype, order, version)
     * @param tensor the values, row-major; NaN marks a missing entry
     */
    record Dense(Path path, NpyHeader header, Tensor tensor) implements TensorFile {
        @Override
        public FileFormat format() {
            return FileFormat.NPY;
        }

        @Override
        public Shape shape() {
            return tensor.shape();
        }

        @Override
        public long observedCount() {
            long count = 0;
            for (long i = 0; i < tensor.size(); i++) {
                if (!Double.isNaN(tensor.getFlat(i))) {
                    count++;
                }
            }
            return count;
        }

        @Override
        public void close() {
            tensor.close();
        }
    }

    /**
     * Observed entries read from a {@code .tns} or CSV file.
     *
     * @param path the file
     * @param format {@link FileFormat#TNS} or {@link FileFormat#CSV}
     * @param observations the entries
     */
    record Sparse(Path path, FileFormat format, Observations observations) implements TensorFile {
        @Override
        public Shape shape() {
            return observations.shape();
        }

        @Override
        public long observedCount() {
            return observations.count();
        }

        @Override
        public void close() {
            observations.close();
        }
    }
}
