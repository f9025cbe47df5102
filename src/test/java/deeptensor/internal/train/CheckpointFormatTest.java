package deeptensor.internal.train;

import deeptensor.internal.model.Models;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.model.CP;
import deeptensor.internal.model.Model;
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
 * Fields are checked as they are read, before the checksum of their part, so an edited length is
 * reported as such; any other change is caught by the checksums (every bit of the file is flipped in
 * turn), and values a state cannot hold are refused even when the checksums agree.
 */
class CheckpointFormatTest {

    private static final Shape SHAPE = Shape.of(4, 3, 2);
    /** Bytes of the CRC32C that ends each of the three parts. */
    private static final int CHECKSUM = Integer.BYTES;

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
            int parameterLength = step + Long.BYTES + CHECKSUM;
            int scalarCount = parameterLength + Integer.BYTES + parameters * Double.BYTES + CHECKSUM;
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
            try (Model model = Models.build(CP.shallow().rank(2), SHAPE); OptimizerState state = OptimizerState.start(optimizer, model.parameters().size())) {
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

                refused(file, withInt(good, 4, 3), model, state, "format version 3 is not supported (expected 2)");
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
                refused(file, longer, model, state, "unexpected bytes after the optimizer state's checksum");

                // The same file, unedited, is read back whole.
                Files.write(file, good);
                try (OptimizerState other = OptimizerState.start(optimizer.withLearningRate(0.02), p)) {
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
            try (Model model = Models.build(CP.shallow().rank(2), SHAPE);
                 OptimizerState state = OptimizerState.start(optimizer, model.parameters().size());
                 OptimizerState read = OptimizerState.start(optimizer, model.parameters().size());
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
        try (Model model = Models.build(CP.shallow().rank(2), SHAPE); OptimizerState state = OptimizerState.start(Optimizer.adam(0.01), model.parameters().size())) {
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
        try (Model model = Models.build(CP.shallow().rank(2), SHAPE); OptimizerState state = OptimizerState.start(Optimizer.adam(0.01), model.parameters().size())) {
            assertThrows(java.io.UncheckedIOException.class, () -> Checkpoint.write(target, model, state, 1));
        }
        try (var listing = Files.list(directory)) {
            assertEquals(java.util.List.of(target), listing.toList(), "only the directory that was in the way");
        }
    }

    /** Every single-bit change anywhere in the file is refused, and changes nothing. */
    @Test
    void everyBitFlipIsRefused() throws IOException {
        for (Optimizer optimizer : new Optimizer[] {Optimizer.adam(0.01), Optimizer.groupRmsProp(0.01)}) {
            Path file = directory.resolve("flip.ckpt");
            try (Model model = Models.build(CP.shallow().rank(2), SHAPE);
                 OptimizerState state = OptimizerState.start(optimizer, model.parameters().size());
                 Tensor gradient = Tensor.gaussian(3, 1.0, model.parameters().size())) {
                Initializer.gaussian(0.3).initialize(model, 1);
                state.step(model.parameters().values(), gradient);
                Checkpoint.write(file, model, state, 1);
                byte[] good = Files.readAllBytes(file);
                java.util.Random random = new java.util.Random(11);
                for (int offset = 0; offset < good.length; offset++) {
                    byte[] flipped = good.clone();
                    flipped[offset] ^= (byte) (1 << random.nextInt(8));
                    Files.write(file, flipped);
                    Initializer.gaussian(1.0).initialize(model, 77);
                    double[] before = model.parameters().values().toArray();
                    int at = offset;
                    assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(file, model, state),
                            () -> optimizer + ": a flipped bit at offset " + at + " of " + good.length + " was read");
                    assertArrayEquals(before, model.parameters().values().toArray(), 0.0);
                    assertEquals(1, state.step());
                }
            }
        }
    }

    /** The part a checksum mismatch is found in is named. */
    @Test
    void aChecksumMismatchNamesThePart() throws IOException {
        Path file = directory.resolve("part.ckpt");
        try (Model model = Models.build(CP.shallow().rank(2), SHAPE); OptimizerState state = OptimizerState.start(Optimizer.adam(0.01), model.parameters().size())) {
            Initializer.gaussian(0.3).initialize(model, 1);
            Checkpoint.write(file, model, state, 7);
            byte[] good = Files.readAllBytes(file);
            int p = model.parameters().size();
            Layout at = Layout.of(good, p, 0);
            refused(file, withLong(good, at.step(), 8), model, state, "corrupt header (CRC32C");
            byte[] parameter = good.clone();
            parameter[at.parameterLength() + Integer.BYTES + 3] ^= 0x10;
            refused(file, parameter, model, state, "corrupt parameters (CRC32C");
            byte[] moment = good.clone();
            moment[good.length - CHECKSUM - 2] ^= 0x01;
            refused(file, moment, model, state, "corrupt optimizer state (CRC32C");
        }
    }

    /** A checkpoint of a diverged or impossible state is refused on read, with the value named. */
    @Test
    void statesThatCannotBeResumedAreRefused() throws IOException {
        Path file = directory.resolve("values.ckpt");
        try (Model model = Models.build(CP.shallow().rank(2), SHAPE);
             OptimizerState adam = OptimizerState.start(Optimizer.adam(0.01), model.parameters().size());
             OptimizerState rms = OptimizerState.start(Optimizer.groupRmsProp(0.01), model.parameters().size())) {
            Initializer.gaussian(0.3).initialize(model, 1);
            double kept = model.parameters().values().getFlat(5);
            model.parameters().values().setFlat(5, Double.NaN);
            Checkpoint.write(file, model, adam, 3);
            refused(file, Files.readAllBytes(file), model, adam, "parameter 5 is NaN; a diverged state cannot be resumed");
            model.parameters().values().setFlat(5, kept);

            adam.vectors()[1].setFlat(2, -1.0);
            Checkpoint.write(file, model, adam, 3);
            adam.vectors()[1].setFlat(2, 0.0);
            refused(file, Files.readAllBytes(file), model, adam, "the second moment 2 is negative (-1.0)");
            adam.vectors()[0].setFlat(4, Double.POSITIVE_INFINITY);
            Checkpoint.write(file, model, adam, 3);
            adam.vectors()[0].setFlat(4, 0.0);
            refused(file, Files.readAllBytes(file), model, adam, "vector 0 holds Infinity at 4");

            rms.restore(2, new double[] {-0.5});
            Checkpoint.write(file, model, rms, 2);
            rms.restore(0, new double[] {0.0});
            refused(file, Files.readAllBytes(file), model, rms, "the running mean square is negative (-0.5)");
            rms.restore(2, new double[] {Double.NaN});
            Checkpoint.write(file, model, rms, 2);
            rms.restore(0, new double[] {0.0});
            refused(file, Files.readAllBytes(file), model, rms, "scalar 0 is NaN");
        }
    }

    /** Files of the first format version (no checksums) are still read. */
    @Test
    void versionOneFilesAreStillRead() throws IOException {
        Path file = directory.resolve("old.ckpt");
        try (Model model = Models.build(CP.shallow().rank(2), SHAPE); OptimizerState state = OptimizerState.start(Optimizer.groupRmsProp(0.01), model.parameters().size())) {
            Initializer.gaussian(0.3).initialize(model, 1);
            double[] written = model.parameters().values().toArray();
            state.restore(4, new double[] {0.25});
            Checkpoint.write(file, model, state, 4);
            byte[] current = Files.readAllBytes(file);
            int p = model.parameters().size();
            Layout at = Layout.of(current, p, 1);
            // Version 1 is version 2 without the three checksums.
            java.io.ByteArrayOutputStream old = new java.io.ByteArrayOutputStream();
            old.write(current, 0, at.parameterLength() - CHECKSUM);
            old.write(current, at.parameterLength(), at.scalarCount() - CHECKSUM - at.parameterLength());
            old.write(current, at.scalarCount(), current.length - CHECKSUM - at.scalarCount());
            byte[] versionOne = withInt(old.toByteArray(), 4, 1);
            Files.write(file, versionOne);
            Initializer.gaussian(1.0).initialize(model, 5);
            state.restore(0, new double[] {0.0});
            assertEquals(4, Checkpoint.read(file, model, state));
            assertArrayEquals(written, model.parameters().values().toArray(), 0.0);
            assertArrayEquals(new double[] {0.25}, state.scalars(), 0.0);
        }
    }

    /** What cannot be opened is named with the reason, not only the path. */
    @Test
    void unreadableFilesSayWhy() throws IOException {
        try (Model model = Models.build(CP.shallow().rank(2), SHAPE); OptimizerState state = OptimizerState.start(Optimizer.adam(0.01), model.parameters().size())) {
            Path missing = directory.resolve("missing.ckpt");
            java.io.UncheckedIOException absent = assertThrows(java.io.UncheckedIOException.class, () -> Checkpoint.read(missing, model, state));
            assertEquals("cannot read checkpoint " + missing + ": no such file", absent.getMessage());
            Path folder = Files.createDirectories(directory.resolve("folder.ckpt"));
            refused(folder, model, state, "checkpoint " + folder + " is a folder, not a checkpoint file");
        }
    }

    private void refused(Path path, Model model, OptimizerState state, String expected) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(path, model, state));
        assertEquals(expected, refused.getMessage());
    }
}
