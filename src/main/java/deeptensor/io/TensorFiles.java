package deeptensor.io;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads and writes any of the supported formats, chosen by the file name's extension
 * ({@link FileFormat#of}): the one way into and out of tensor files (the per-format readers and
 * writers behind it are package-private). Entry lists to predict at, which are not tensors, have
 * their own reader, {@link CoordinateLists}.
 */
public final class TensorFiles {

    private TensorFiles() {
    }

    /** Reads a file of any supported format, sparse files with the default options. */
    public static TensorFile read(Path file) throws IOException {
        return read(file, SparseOptions.defaults());
    }

    /**
     * Reads a file of any supported format.
     *
     * @param options how {@code .tns} and CSV files are read (ignored for {@code .npy})
     * @throws FormatException if the extension is unknown or the content is bad
     * @throws IOException if the file cannot be read
     */
    public static TensorFile read(Path file, SparseOptions options) throws IOException {
        return switch (FileFormat.of(file)) {
            case NPY -> Npy.readDense(file);
            case TNS -> new TensorFile.Sparse(file, FileFormat.TNS, Tns.read(file, options));
            case CSV -> new TensorFile.Sparse(file, FileFormat.CSV, CsvCoordinates.read(file, options));
        };
    }

    /**
     * Reads the dense array of a {@code .npy} file (NaN marking missing entries, if any); the caller
     * owns the tensor.
     *
     * @throws FormatException if the file is not a {@code .npy} file or its content is bad
     */
    public static Tensor readTensor(Path file) throws IOException {
        if (FileFormat.of(file) != FileFormat.NPY) {
            throw FormatException.ofFile(file, "holds observed entries, not a dense array; read it with readObservations or read");
        }
        return Npy.read(file);
    }

    /**
     * Reads the observed entries of a file of any supported format: for {@code .npy}, every
     * non-NaN element (a scalar or an infinite element is refused).
     *
     * @throws FormatException if the extension is unknown, the content is bad, or a dense array
     *     cannot be observations
     */
    public static Observations readObservations(Path file, SparseOptions options) throws IOException {
        TensorFile content = read(file, options);
        if (content instanceof TensorFile.Sparse sparse) {
            return sparse.observations(); // handed over to the caller, who closes them
        }
        try (TensorFile.Dense dense = (TensorFile.Dense) content) {
            return observations(file, dense.tensor(), null);
        }
    }

    /**
     * Reads observations from a dense {@code .npy} array and a boolean {@code .npy} mask of the same
     * shape ({@code True} = observed). Unobserved elements may hold anything; observed ones must be
     * finite.
     */
    public static Observations readObservations(Path values, Path mask) throws IOException {
        try (Tensor data = Npy.read(values); Tensor flags = Npy.readMask(mask)) {
            if (!data.shape().equals(flags.shape())) {
                throw FormatException.ofFile(mask, "the mask has shape " + flags.shape() + ", but " + values
                        + " has shape " + data.shape());
            }
            return observations(values, data, flags);
        }
    }

    private static Observations observations(Path file, Tensor data, Tensor mask) throws FormatException {
        try {
            return mask == null ? Observations.fromDense(data) : Observations.fromDense(data, mask);
        } catch (IllegalArgumentException refused) {
            throw FormatException.ofFile(file, refused.getMessage());
        }
    }

    /**
     * Coordinates without values, one entry per line, for asking a model about entries: a
     * {@code .tns} or CSV file of index columns (a value column, if present, is ignored), or an
     * {@code .npy} integer matrix with one row per entry. Indexes are {@code indexBase}-based
     * (0 or 1) and must lie inside {@code shape}.
     */
    public static Coordinates readCoordinates(Path file, Shape shape, int indexBase) throws IOException {
        return CoordinateLists.read(file, shape, indexBase);
    }

    /**
     * Writes a dense tensor as {@code .npy} ({@code <f8}, format 1.0), atomically.
     *
     * @throws IllegalArgumentException if the file name does not end in {@code .npy}
     */
    public static void write(Path file, Tensor tensor) throws IOException {
        if (formatForWriting(file) != FileFormat.NPY) {
            throw new IllegalArgumentException(file + ": a dense tensor is written as .npy");
        }
        Npy.write(file, tensor);
    }

    /**
     * Writes observations in the format the extension names, atomically: {@code .tns} and
     * {@code .csv} list the entries (1-based); {@code .npy} writes a dense array with NaN where
     * nothing was observed.
     *
     * @throws IllegalArgumentException if the extension is none of {@code .npy}, {@code .tns}, {@code .csv}
     */
    public static void write(Path file, Observations observations) throws IOException {
        switch (formatForWriting(file)) {
            case NPY -> {
                try (Tensor dense = observations.toDense()) {
                    Npy.write(file, dense);
                }
            }
            case TNS -> Tns.write(file, observations);
            case CSV -> CsvCoordinates.write(file, observations);
        }
    }

    /** The format to write: an unknown extension is the caller's mistake, not bad content. */
    private static FileFormat formatForWriting(Path file) {
        try {
            return FileFormat.of(file);
        } catch (FormatException unknown) {
            throw new IllegalArgumentException(unknown.getMessage(), unknown);
        }
    }
}
