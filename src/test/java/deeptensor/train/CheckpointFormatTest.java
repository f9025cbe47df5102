package deeptensor.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.model.CP;
import deeptensor.model.Model;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every field of the checkpoint format is checked on read: a file edited in one field is refused with
 * a message naming that field, and the model and optimizer are left as they were. The offsets come
 * from reading the file's own header (magic, version, two UTF strings, step), as the format defines.
 */
class CheckpointFormatTest {

    private static final Shape SHAPE = Shape.of(4, 3, 2);

    @TempDir
    Path directory;

    /** Byte offsets of the fields after the header, for a model of {@code parameters} values. */
    private record Layout(int step, int parameterLength, int scalarCount, int vectorCount) {
        static Layout of(byte[] file, int parameters, int scalars) throws IOException {
            ByteArrayInputStream bytes = new ByteArrayInputStream(file);
            DataInputStream in = new DataInputStream(bytes);
            in.readInt();
            in.readInt();
            in.readUTF();
            in.readUTF();
            int step = file.length - bytes.available();
            int parameterLength = step + Long.BYTES;
            int scalarCount = parameterLength + Integer.BYTES + parameters * Double.BYTES;
            int vectorCount = scalarCount + Integer.BYTES + scalars * Double.BYTES;
            return new Layout(step, parameterLength, scalarCount, vectorCount);
        }
    }

    private static byte[] withInt(byte[] file, int offset, int value) {
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).putInt(offset, value);
        return copy;
    }

    private static byte[] withLong(byte[] file, int offset, long value) {
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).putLong(offset, value);
        return copy;
    }

    private void refused(Path file, byte[] content, Model model, OptimizerState state, String expected) throws IOException {
        Files.write(file, content);
        Initializer.gaussian(1.0).initialize(model, 77);
        double[] before = model.parameters().values().toArray();
        double[][] vectorsBefore = java.util.Arrays.stream(state.vectors()).map(Tensor::toArray).toArray(double[][]::new);
        long stepBefore = state.step();
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(file, model, state));
        assertTrue(refused.getMessage().contains(expected), "expected \"" + expected + "\" in: " + refused.getMessage());
        assertArrayEquals(before, model.parameters().values().toArray(), 0.0, "the model is left as it was");
        for (int v = 0; v < vectorsBefore.length; v++) {
            assertArrayEquals(vectorsBefore[v], state.vectors()[v].toArray(), 0.0, "optimizer vector " + v + " is left as it was");
        }
        assertEquals(stepBefore, state.step());
    }

    @Test
    void everyFieldIsCheckedAndABadFileChangesNothing() throws IOException {
        for (Optimizer optimizer : new Optimizer[] {Optimizer.adam(0.01), Optimizer.groupRmsProp(0.01)}) {
            Path file = directory.resolve("format.ckpt");
            try (Model model = CP.shallow().rank(2).build(SHAPE); OptimizerState state = optimizer.start(model.parameters().size())) {
                Initializer.gaussian(0.3).initialize(model, 1);
                Checkpoint.write(file, model, state, 12);
                byte[] good = Files.readAllBytes(file);
                int p = model.parameters().size();
                int scalars = state.scalars().length, vectors = state.vectors().length;
                Layout at = Layout.of(good, p, scalars);
                assertEquals(12, ByteBuffer.wrap(good).getLong(at.step()), "the header was parsed right");
                assertEquals(p, ByteBuffer.wrap(good).getInt(at.parameterLength()));
                assertEquals(scalars, ByteBuffer.wrap(good).getInt(at.scalarCount()));
                assertEquals(vectors, ByteBuffer.wrap(good).getInt(at.vectorCount()));

                refused(file, withInt(good, 4, 2), model, state, "format version 2 is not supported (expected 1)");
                refused(file, withLong(good, at.step(), -1), model, state, "negative step -1");
                refused(file, withInt(good, at.parameterLength(), p - 1), model, state,
                        "parameters has " + (p - 1) + " values, the model expects " + p);
                refused(file, withInt(good, at.scalarCount(), scalars + 1), model, state,
                        (scalars + 1) + " optimizer scalars, expected " + scalars);
                refused(file, withInt(good, at.vectorCount(), vectors + 1), model, state,
                        (vectors + 1) + " optimizer vectors, expected " + vectors);
                if (vectors > 0) {
                    int firstVectorLength = at.vectorCount() + Integer.BYTES;
                    refused(file, withInt(good, firstVectorLength, p + 1), model, state,
                            "optimizer vector 0 has " + (p + 1) + " values, the model expects " + p);
                }
                byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
                refused(file, longer, model, state, "unexpected bytes after the last optimizer vector");

                // The same file, unedited, is read back whole.
                Files.write(file, good);
                try (OptimizerState other = optimizer.withLearningRate(0.02).start(p)) {
                    refused(file, good, model, other, "was written with optimizer \"" + optimizer + "\"");
                }
                Initializer.gaussian(0.3).initialize(model, 1);
                double[] written = model.parameters().values().toArray();
                Initializer.gaussian(1.0).initialize(model, 5);
                Files.write(file, good);
                assertEquals(12, Checkpoint.read(file, model, state));
                assertEquals(12, state.step());
                assertArrayEquals(written, model.parameters().values().toArray(), 0.0);
            }
        }
    }

    @Test
    void aCheckpointRestoresTheOptimizerStateToo() {
        Path file = directory.resolve("state.ckpt");
        for (Optimizer optimizer : new Optimizer[] {Optimizer.adam(0.01), Optimizer.groupRmsProp(0.01)}) {
            try (Model model = CP.shallow().rank(2).build(SHAPE);
                 OptimizerState state = optimizer.start(model.parameters().size());
                 OptimizerState read = optimizer.start(model.parameters().size());
                 Tensor gradient = Tensor.gaussian(3, 1.0, model.parameters().size())) {
                Initializer.gaussian(0.3).initialize(model, 1);
                state.step(model.parameters().values(), gradient);
                state.step(model.parameters().values(), gradient);
                Checkpoint.write(file, model, state, 2);
                assertEquals(2, Checkpoint.read(file, model, read));
                assertEquals(2, read.step());
                assertArrayEquals(state.scalars(), read.scalars(), 0.0, optimizer.toString());
                for (int v = 0; v < state.vectors().length; v++) {
                    assertArrayEquals(state.vectors()[v].toArray(), read.vectors()[v].toArray(), 0.0, optimizer + ", vector " + v);
                }
            }
        }
    }

    @Test
    void writingIntoAMissingDirectoryCreatesIt() throws IOException {
        Path file = directory.resolve("a").resolve("b").resolve("deep.ckpt");
        try (Model model = CP.shallow().rank(2).build(SHAPE); OptimizerState state = Optimizer.adam(0.01).start(model.parameters().size())) {
            Checkpoint.write(file, model, state, 3);
            assertEquals(3, Checkpoint.read(file, model, state));
            try (var listing = Files.list(file.getParent())) {
                assertEquals(1, listing.count(), "only the checkpoint, no temporary file");
            }
        }
    }

    /** A write that fails at the final move (the target is a non-empty directory) leaves no temporary file behind. */
    @Test
    void aFailedWriteLeavesNoTemporaryFile() throws IOException {
        Path target = directory.resolve("busy.ckpt");
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep"), "x");
        try (Model model = CP.shallow().rank(2).build(SHAPE); OptimizerState state = Optimizer.adam(0.01).start(model.parameters().size())) {
            assertThrows(java.io.UncheckedIOException.class, () -> Checkpoint.write(target, model, state, 1));
        }
        try (var listing = Files.list(directory)) {
            assertEquals(java.util.List.of(target), listing.toList(), "only the directory that was in the way");
        }
    }
}
