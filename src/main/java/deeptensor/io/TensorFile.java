package deeptensor.io;

import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.nio.file.Path;

/**
 * The content of a tensor file: a dense array (from {@code .npy}) or a set of observed entries
 * (from {@code .tns} or CSV). Owns its memory: close it.
 */
public abstract sealed class TensorFile implements AutoCloseable permits TensorFile.Dense, TensorFile.Sparse {

    private final Path path;
    private final FileFormat format;
    private final String layout;
    private final Shape shape;
    private final Runnable release;

    private TensorFile(Path path, FileFormat format, String layout, Shape shape, Runnable release) {
        this.path = path;
        this.format = format;
        this.layout = layout;
        this.shape = shape;
        this.release = release;
    }

    /** The file, as the caller named it. */
    public final Path path() {
        return path;
    }

    /** The file's format. */
    public final FileFormat format() {
        return format;
    }

    /**
     * How the values are stored, for people: for example {@code "npy 1.0, dtype <f8, C order"} or
     * {@code "tns coordinates"}.
     */
    public final String layout() {
        return layout;
    }

    /** The tensor's shape. */
    public final Shape shape() {
        return shape;
    }

    /** The number of observed entries: the non-NaN elements of a dense array, the entries of a sparse file. */
    public abstract long observedCount();

    /** Observed share of the shape's entries (0 for an empty shape). */
    public final double observedFraction() {
        long size = shape.size();
        return size == 0 ? 0.0 : (double) observedCount() / size;
    }

    /** Releases the memory. */
    @Override
    public final void close() {
        release.run();
    }

    @Override
    public final String toString() {
        return path + " (" + layout + ", shape " + shape + ")";
    }

    /** A dense array read from a {@code .npy} file; NaN marks a missing entry. */
    public static final class Dense extends TensorFile {
        private final Tensor tensor;

        Dense(Path path, NpyHeader header, Tensor tensor) {
            super(path, FileFormat.NPY, "npy " + header.version() + ", dtype " + header.dtype().descr() + ", "
                    + (header.fortranOrder() ? "Fortran order" : "C order"), tensor.shape(), tensor::close);
            this.tensor = tensor;
        }

        /** The values, row-major (owned by this file: closed with it). */
        public Tensor tensor() {
            return tensor;
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
    }

    /** Observed entries read from a {@code .tns} or CSV file. */
    public static final class Sparse extends TensorFile {
        private final Observations observations;

        Sparse(Path path, FileFormat format, Observations observations) {
            super(path, format, format.name().toLowerCase(java.util.Locale.ROOT) + " coordinates", observations.shape(), observations::close);
            this.observations = observations;
        }

        /** The observed entries (owned by this file: closed with it). */
        public Observations observations() {
            return observations;
        }

        @Override
        public long observedCount() {
            return observations.count();
        }
    }
}
