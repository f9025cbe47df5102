package deeptensor.train;

import deeptensor.model.Model;
import deeptensor.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Saves and restores a training run: the model's parameters, the optimizer's state and the step.
 *
 * <h2>Format (version 1)</h2>
 * Binary, big-endian (Java {@link DataOutputStream} conventions):
 * <pre>
 *   bytes  "DTCK"                       magic
 *   int    1                            format version
 *   UTF    model description            {@link Model#describe()}; must match on resume
 *   UTF    optimizer description        the optimizer's settings; must match on resume
 *   long   step                         training steps done
 *   int    P                            number of parameters
 *   P ×    double                       parameter values, in {@link deeptensor.model.Parameters} order
 *   int    S                            number of optimizer scalars (GroupRMSprop: 1)
 *   S ×    double
 *   int    V                            number of optimizer vectors (Adam: 2)
 *   V ×  ( int length, length × double )
 * </pre>
 * ("UTF" is a 2-byte length followed by modified UTF-8.) Files are written atomically: to a
 * temporary file in the same directory, forced to disk, then renamed over the target, so a crash
 * leaves either the old checkpoint or the new one, never a partial file.
 */
public final class Checkpoint {

    private static final int MAGIC = 0x4454434B; // "DTCK"
    private static final int VERSION = 1;

    private Checkpoint() {
    }

    /** Writes the run's state to {@code path} atomically. */
    public static void write(Path path, Model model, OptimizerState optimizer, long step) {
        Path target = path.toAbsolutePath();
        Path directory = target.getParent();
        Path temporary = null;
        try {
            Files.createDirectories(directory);
            temporary = Files.createTempFile(directory, target.getFileName().toString(), ".tmp");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
                 OutputStream raw = Channels.newOutputStream(channel);
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeUTF(model.describe());
                out.writeUTF(optimizer.optimizer().toString());
                out.writeLong(step);
                writeVector(out, model.parameters().values());
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
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException unsupported) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
        } catch (IOException failure) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + failure.getMessage(), failure);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // The original failure is the one to report.
                }
            }
        }
    }

    /**
     * Reads a checkpoint into {@code model} and {@code optimizer} (which must be the same model and
     * optimizer settings it was written from) and returns the step it was taken at.
     */
    public static long read(Path path, Model model, OptimizerState optimizer) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16));
             Staging staging = new Staging()) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("checkpoint " + path + ": not a deeptensor checkpoint (bad magic at offset 0)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("checkpoint " + path + ": format version " + version + " is not supported (expected " + VERSION + ")");
            }
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
            // Everything is read into staging copies and checked to the end of the file before the
            // model or the optimizer is touched: a bad file leaves them as they were. Cost: one extra
            // copy of the parameters and optimizer vectors while reading.
            Tensor parameters = staging.add(Tensor.zeros(model.parameters().values().shape()));
            readVector(in, parameters, path, "parameters");
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
            if (in.read() != -1) {
                throw new IllegalArgumentException("checkpoint " + path + ": unexpected bytes after the last optimizer vector");
            }
            model.parameters().values().copyFrom(parameters);
            for (int v = 0; v < vectorCount; v++) {
                vectors[v].copyFrom(stagedVectors[v]);
            }
            optimizer.restore(step, scalars);
            return step;
        } catch (EOFException truncated) {
            throw new IllegalArgumentException("checkpoint " + path + " is truncated", truncated);
        } catch (IOException failure) {
            throw new UncheckedIOException("cannot read checkpoint " + path + ": " + failure.getMessage(), failure);
        }
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
