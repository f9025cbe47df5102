package deeptensor.internal.train;

import deeptensor.internal.AtomicFiles;
import deeptensor.internal.model.Model;
import deeptensor.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Saves and restores a training run: the model's parameters, the optimizer's state and the step.
 *
 * <h2>Format (version 2)</h2>
 * Binary, big-endian (Java {@link DataOutputStream} conventions), in three checksummed parts:
 * <pre>
 *   header
 *     bytes  "DTCK"                       magic
 *     int    2                            format version
 *     UTF    model description            {@link Model#describe()}; must match on resume
 *     UTF    optimizer description        the optimizer's settings; must match on resume
 *     long   step                         training steps done, &ge; 0
 *     int    CRC32C of the header bytes above (magic included)
 *   parameters
 *     int    P                            number of parameters
 *     P ×    double                       parameter values, in {@link deeptensor.internal.model.Parameters} order; finite
 *     int    CRC32C of this part's bytes above
 *   optimizer state
 *     int    S                            number of optimizer scalars (GroupRMSprop: 1)
 *     S ×    double                       finite; GroupRMSprop's running mean square &ge; 0
 *     int    V                            number of optimizer vectors (Adam: 2)
 *     V ×  ( int length, length × double ) finite; Adam's second moments &ge; 0
 *     int    CRC32C of this part's bytes above
 *   end of file
 * </pre>
 * ("UTF" is a 2-byte length followed by modified UTF-8; a CRC32C is stored as the low 32 bits of
 * {@link CRC32C#getValue()}.) Reading checks each field as it comes (magic, version, descriptions,
 * lengths), then each part's checksum, then the values, and touches the model and the optimizer
 * only when the whole file has passed: a corrupt, truncated or edited file is refused with an
 * {@link IllegalArgumentException} naming the file and the part, and changes nothing. A state that
 * holds a non-finite parameter is refused too, so a run is never resumed from a diverged state.
 * Version 1 files (the same layout without the three checksums) are still read, with the value
 * checks only.
 *
 * <p>Files are written atomically, as every file the library writes: to a temporary file in the
 * same directory, forced to disk, then renamed over the target, so a crash leaves either the old
 * checkpoint or the new one, never a partial file.
 */
public final class Checkpoint {

    private static final int MAGIC = 0x4454434B; // "DTCK"
    private static final int VERSION = 2;
    /** The first version, without checksums; still read. */
    private static final int VERSION_WITHOUT_CHECKSUMS = 1;

    private Checkpoint() {
    }

    /** Writes the run's state to {@code path} atomically. */
    public static void write(Path path, Model model, OptimizerState optimizer, long step) {
        Path target = path.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            AtomicFiles.replace(target, channel -> {
                CRC32C checksum = new CRC32C();
                // Not closed here: closing would close the channel, which AtomicFiles forces and closes.
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(
                        new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), checksum));
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeUTF(model.describe());
                out.writeUTF(optimizer.optimizer().toString());
                out.writeLong(step);
                endPart(out, checksum);
                writeVector(out, model.parameters().values());
                endPart(out, checksum);
                double[] scalars = optimizer.scalars();
                out.writeInt(scalars.length);
                for (double s : scalars) {
                    out.writeDouble(s);
                }
                Tensor[] vectors = optimizer.vectors();
                out.writeInt(vectors.length);
                for (Tensor vector : vectors) {
                    writeVector(out, vector);
                }
                endPart(out, checksum);
                out.flush();
            });
        } catch (IOException failure) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + describe(failure), failure);
        }
    }

    /** Writes the checksum of the part that ends here (its own bytes are not part of any checksum). */
    private static void endPart(DataOutputStream out, CRC32C checksum) throws IOException {
        int value = (int) checksum.getValue();
        out.writeInt(value);
        checksum.reset();
    }

    /**
     * Reads a checkpoint into {@code model} and {@code optimizer} (which must be the same model and
     * optimizer settings it was written from) and returns the step it was taken at.
     *
     * @throws IllegalArgumentException if the file is not a checkpoint of this model and optimizer,
     *     or is corrupt, truncated or holds non-finite values; nothing is changed then
     * @throws UncheckedIOException if the file cannot be read (missing, a folder, no permission)
     */
    public static long read(Path path, Model model, OptimizerState optimizer) {
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException("checkpoint " + path + " is a folder, not a checkpoint file");
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            // A named pipe with no writer would block the first read forever.
            throw new IllegalArgumentException("checkpoint " + path + " is not a regular file (a named pipe, socket or device)");
        }
        CRC32C checksum = new CRC32C();
        try (DataInputStream in = new DataInputStream(new CheckedInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16), checksum));
             Staging staging = new Staging()) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("checkpoint " + path + ": not a deeptensor checkpoint (bad magic at offset 0)");
            }
            int version = in.readInt();
            if (version != VERSION && version != VERSION_WITHOUT_CHECKSUMS) {
                throw new IllegalArgumentException("checkpoint " + path + ": format version " + version + " is not supported (expected " + VERSION + ")");
            }
            boolean checksummed = version == VERSION;
            String description = in.readUTF();
            if (!description.equals(model.describe())) {
                throw new IllegalArgumentException("checkpoint " + path + " is for the model \"" + description + "\", not \"" + model.describe() + "\"");
            }
            String settings = in.readUTF();
            if (!settings.equals(optimizer.optimizer().toString())) {
                throw new IllegalArgumentException("checkpoint " + path + " was written with optimizer \"" + settings + "\", not \"" + optimizer.optimizer() + "\"");
            }
            long step = in.readLong();
            if (step < 0) {
                throw new IllegalArgumentException("checkpoint " + path + ": negative step " + step);
            }
            checkPart(in, checksum, checksummed, path, "header");
            // Everything is read into staging copies and checked to the end of the file before the
            // model or the optimizer is touched: a bad file leaves them as they were. Cost: one extra
            // copy of the parameters and optimizer vectors while reading.
            Tensor parameters = staging.add(Tensor.zeros(model.parameters().values().shape()));
            readVector(in, parameters, path, "parameters");
            checkPart(in, checksum, checksummed, path, "parameters");
            int scalarCount = in.readInt();
            double[] expectedScalars = optimizer.scalars();
            if (scalarCount != expectedScalars.length) {
                throw new IllegalArgumentException("checkpoint " + path + ": " + scalarCount + " optimizer scalars, expected " + expectedScalars.length);
            }
            double[] scalars = new double[scalarCount];
            for (int i = 0; i < scalarCount; i++) {
                scalars[i] = in.readDouble();
            }
            Tensor[] vectors = optimizer.vectors();
            int vectorCount = in.readInt();
            if (vectorCount != vectors.length) {
                throw new IllegalArgumentException("checkpoint " + path + ": " + vectorCount + " optimizer vectors, expected " + vectors.length);
            }
            Tensor[] stagedVectors = new Tensor[vectorCount];
            for (int v = 0; v < vectorCount; v++) {
                stagedVectors[v] = staging.add(Tensor.zeros(vectors[v].shape()));
                readVector(in, stagedVectors[v], path, "optimizer vector " + v);
            }
            checkPart(in, checksum, checksummed, path, "optimizer state");
            if (in.read() != -1) {
                throw new IllegalArgumentException("checkpoint " + path + ": unexpected bytes after the " + (checksummed ? "optimizer state's checksum" : "last optimizer vector"));
            }
            long nonFinite = OptimizerState.firstNonFinite(parameters);
            if (nonFinite >= 0) {
                throw new IllegalArgumentException("checkpoint " + path + ": parameter " + nonFinite + " is " + parameters.getFlat(nonFinite)
                        + "; a diverged state cannot be resumed");
            }
            String invalid = optimizer.invalidState(scalars, stagedVectors);
            if (invalid != null) {
                throw new IllegalArgumentException("checkpoint " + path + ": corrupt optimizer state: " + invalid);
            }
            model.parameters().values().copyFrom(parameters);
            for (int v = 0; v < vectorCount; v++) {
                vectors[v].copyFrom(stagedVectors[v]);
            }
            optimizer.restore(step, scalars);
            return step;
        } catch (EOFException truncated) {
            throw new IllegalArgumentException("checkpoint " + path + " is truncated", truncated);
        } catch (UTFDataFormatException garbled) {
            throw new IllegalArgumentException("checkpoint " + path + ": corrupt header (a description is not valid text)", garbled);
        } catch (IOException failure) {
            throw new UncheckedIOException("cannot read checkpoint " + path + ": " + describe(failure), failure);
        }
    }

    /** Compares the checksum of the part just read with the one stored after it. */
    private static void checkPart(DataInputStream in, CRC32C checksum, boolean checksummed, Path path, String part) throws IOException {
        if (!checksummed) {
            return;
        }
        int computed = (int) checksum.getValue();
        int stored = in.readInt();
        if (stored != computed) {
            throw new IllegalArgumentException("checkpoint " + path + ": corrupt " + part + " (CRC32C "
                    + hex(computed) + " does not match the stored " + hex(stored) + ")");
        }
        checksum.reset();
    }

    private static String hex(int value) {
        return String.format("%08x", value);
    }

    /** The JDK's file-system exceptions carry only the path as their message: say what happened. */
    private static String describe(IOException failure) {
        return switch (failure) {
            case NoSuchFileException missing -> "no such file";
            case AccessDeniedException denied -> "permission denied";
            case FileSystemException other when other.getReason() != null -> other.getReason();
            default -> failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        };
    }
    private static void writeVector(DataOutputStream out, Tensor vector) throws IOException {
        out.writeInt((int) vector.size());
        for (long i = 0; i < vector.size(); i++) {
            out.writeDouble(vector.getFlat(i));
        }
    }

    private static void readVector(DataInputStream in, Tensor into, Path path, String what) throws IOException {
        int length = in.readInt();
        if (length != into.size()) {
            throw new IllegalArgumentException("checkpoint " + path + ": " + what + " has " + length + " values, the model expects " + into.size());
        }
        for (int i = 0; i < length; i++) {
            into.setFlat(i, in.readDouble());
        }
    }

    /** Tensors read from a checkpoint before they are known to be whole; closed when reading ends. */
    private static final class Staging implements AutoCloseable {
        private final java.util.List<Tensor> tensors = new java.util.ArrayList<>();

        Tensor add(Tensor tensor) {
            tensors.add(tensor);
            return tensor;
        }

        @Override
        public void close() {
            tensors.forEach(Tensor::close);
        }
    }
}
