package deeptensor.io;

import deeptensor.internal.AtomicFiles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class NpyTest {

    @TempDir
    Path dir;

    static Stream<Arguments> everyDtypeOrderAndVersion() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (NpyDtype dtype : NpyDtype.values()) {
            for (boolean fortran : new boolean[] {false, true}) {
                for (int major = 1; major <= 3; major++) {
                    cases.add(Arguments.of(dtype, fortran, major));
                }
            }
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0} fortran={1} v{2}.0")
    @MethodSource("everyDtypeOrderAndVersion")
    void readsEveryDtypeInBothOrdersAndAllVersions(NpyDtype dtype, boolean fortran, int major) throws IOException {
        int[] shape = {3, 1, 4, 2};
        double[] expected = NpyBytes.exactValues(dtype, 24, 7);
        Path file = NpyBytes.write(dir, "a.npy", NpyBytes.file(major, dtype, fortran, shape, expected));
        NpyHeader header = Npy.readHeader(file);
        assertEquals(dtype, header.dtype());
        assertEquals(fortran, header.fortranOrder());
        assertEquals(major, header.majorVersion());
        assertEquals(Shape.of(shape), header.shape());
        assertEquals(0, header.dataOffset() % 64, "the test encoder pads like NumPy");
        try (Tensor tensor = Npy.read(file)) {
            assertEquals(Shape.of(shape), tensor.shape());
            assertArrayEquals(expected, tensor.toArray());
        }
    }

    @ParameterizedTest(name = "order {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8})
    void fortranOrderIsConvertedForEveryOrderUpTo8(int order) throws IOException {
        int[] shape = new int[order];
        for (int mode = 0; mode < order; mode++) {
            shape[mode] = 1 + (mode * 5 + 2) % 3; // sizes 3, 1, 2, 3, 1, ...: mixed, some of size 1
        }
        int count = (int) Shape.of(shape).size();
        double[] expected = NpyBytes.exactValues(NpyDtype.F8_BE, count, order);
        Path file = NpyBytes.write(dir, "f.npy", NpyBytes.file(1, NpyDtype.F8_BE, true, shape, expected));
        try (Tensor tensor = Npy.read(file)) {
            assertArrayEquals(expected, tensor.toArray());
        }
    }

    @ParameterizedTest(name = "order {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8})
    void writeThenReadIsBitIdenticalIncludingNaNAndSpecialValues(int order) throws IOException {
        int[] dims = new int[order];
        for (int mode = 0; mode < order; mode++) {
            dims[mode] = 1 + mode % 3;
        }
        double[] specials = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE, -Double.MAX_VALUE, Math.PI};
        Path file = dir.resolve("w.npy");
        try (Tensor tensor = Tensor.gaussian(order, 1.0, dims)) {
            for (long i = 0; i < Math.min(tensor.size(), specials.length); i++) {
                tensor.setFlat(i, specials[(int) i]);
            }
            Npy.write(file, tensor);
            try (Tensor back = Npy.read(file)) {
                assertEquals(tensor.shape(), back.shape());
                for (long i = 0; i < tensor.size(); i++) {
                    assertEquals(Double.doubleToRawLongBits(tensor.getFlat(i)), Double.doubleToRawLongBits(back.getFlat(i)),
                            "element " + i);
                }
            }
        }
        NpyHeader header = Npy.readHeader(file);
        assertEquals(1, header.majorVersion());
        assertEquals(NpyDtype.F8_LE, header.dtype());
        assertFalse(header.fortranOrder());
        assertEquals(0, header.dataOffset() % 64, "NumPy aligns the data to 64 bytes; so do we");
        byte[] bytes = Files.readAllBytes(file);
        assertEquals('\n', bytes[(int) header.dataOffset() - 1], "the header ends with a newline");
    }

    @Test
    void writtenHeaderIsExactlyWhatNumPyWrites() {
        // The text NumPy 1.24's np.save writes for a 3×4 float64 array (python3 -c "import numpy, io; ...").
        String numpy = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }";
        byte[] header = Npy.header(Shape.of(3, 4));
        String text = new String(header, 10, header.length - 10, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(numpy, text.strip());
        assertEquals(128, header.length);
        assertEquals("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }",
                new String(Npy.header(Shape.of(5)), java.nio.charset.StandardCharsets.ISO_8859_1).substring(10).strip());
        assertTrue(new String(Npy.header(Shape.of()), java.nio.charset.StandardCharsets.ISO_8859_1).contains("'shape': (),"));
    }

    static List<String> headerVariants() {
        return List.of(
                "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}",
                "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2, 3)}",
                "{ 'descr' : '<f8' ,\n 'fortran_order' : False ,\t'shape' : ( 2 , 3 , ) , }\n",
                "{'descr':'<f8','fortran_order':False,'shape':(2L,3L)}",
                "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }" + " ".repeat(300) + "\n",
                "  {'descr': '<f8', 'fortran_order': False, 'shape': (+2, 3)}",
                "{'descr': '<f8', 'fortran_order': False, 'shape': ((2), 3)}");
    }

    @ParameterizedTest
    @MethodSource("headerVariants")
    void headerParserAcceptsWhatPythonLiteralSyntaxAllows(String header) throws IOException {
        double[] values = {1, 2, 3, 4, 5, 6};
        Path file = NpyBytes.write(dir, "v.npy", NpyBytes.raw(1, header,
                NpyBytes.data(NpyDtype.F8_LE, false, new int[] {2, 3}, values)));
        try (Tensor tensor = Npy.read(file)) {
            assertEquals(Shape.of(2, 3), tensor.shape());
            assertArrayEquals(values, tensor.toArray());
        }
    }

    @Test
    void emptyArraysAndScalarsRoundTrip() throws IOException {
        Path empty = NpyBytes.write(dir, "e.npy", NpyBytes.file(1, NpyDtype.F4_LE, false, new int[] {3, 0, 2}, new double[0]));
        try (Tensor tensor = Npy.read(empty)) {
            assertEquals(Shape.of(3, 0, 2), tensor.shape());
        }
        Path scalar = NpyBytes.write(dir, "s.npy", NpyBytes.file(2, NpyDtype.I8_LE, true, new int[0], new double[] {-42}));
        try (Tensor tensor = Npy.read(scalar)) {
            assertEquals(0, tensor.order());
            assertEquals(-42.0, tensor.getFlat(0));
        }
    }

    @Test
    void largeIntegersAreWidenedAsJavaWidensThem() throws IOException {
        long big = (1L << 53) + 1; // not representable: rounds to 2^53 as (double) big does
        ByteBuffer data = ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(big).putLong(Long.MIN_VALUE);
        Path file = NpyBytes.write(dir, "i.npy", NpyBytes.raw(1, NpyBytes.header(1, "<i8", false, 2), data.array()));
        try (Tensor tensor = Npy.read(file)) {
            assertArrayEquals(new double[] {(double) big, (double) Long.MIN_VALUE}, tensor.toArray());
        }
    }

    @Test
    void arraysLargerThanOneChunkAreStreamedInOrder() throws IOException {
        int[] shape = {37, 41, 29}; // 43,993 elements: several 64 KiB chunks, none aligned with the modes
        double[] expected = NpyBytes.exactValues(NpyDtype.F4_BE, 37 * 41 * 29, 3);
        Path file = NpyBytes.write(dir, "big.npy", NpyBytes.file(3, NpyDtype.F4_BE, true, shape, expected));
        try (Tensor tensor = Npy.read(file)) {
            assertArrayEquals(expected, tensor.toArray());
        }
    }

    @Test
    void masksAreReadFromBooleansOnly() throws IOException {
        double[] bits = {1, 0, 0, 1, 1, 0};
        Path mask = NpyBytes.write(dir, "m.npy", NpyBytes.file(1, NpyDtype.B1, true, new int[] {2, 3}, bits));
        try (Tensor tensor = Npy.readMask(mask)) {
            assertArrayEquals(bits, tensor.toArray());
        }
        Path floats = NpyBytes.write(dir, "f.npy", NpyBytes.file(1, NpyDtype.F8_LE, false, new int[] {2, 3}, bits));
        FormatException refused = assertThrows(FormatException.class, () -> Npy.readMask(floats));
        assertTrue(refused.getMessage().contains("|b1"), refused.getMessage());
    }

    @Test
    void writeReplacesAnExistingFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("out.npy");
        Files.writeString(file, "old content");
        try (Tensor tensor = Tensor.of(new double[] {1, 2, 3}, 3)) {
            Npy.write(file, tensor);
        }
        try (Tensor back = Npy.read(file)) {
            assertArrayEquals(new double[] {1, 2, 3}, back.toArray());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aFailedWriteLeavesTheTargetUnchangedAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("keep.npy");
        Files.writeString(file, "old content");
        IOException failure = assertThrows(IOException.class, () -> AtomicFiles.replace(file, channel -> {
            AtomicFiles.writeFully(channel, ByteBuffer.wrap(new byte[1000]));
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", failure.getMessage());
        assertEquals("old content", Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void writeIntoAMissingDirectoryFailsWithoutSideEffects() {
        Path file = dir.resolve("missing").resolve("x.npy");
        try (Tensor tensor = Tensor.zeros(2)) {
            assertThrows(IOException.class, () -> Npy.write(file, tensor));
        }
        assertFalse(Files.exists(file.getParent()));
    }

    @Test
    void viewsAreWrittenWithTheirOwnShape() throws IOException {
        Path file = dir.resolve("view.npy");
        try (Tensor tensor = Tensor.of(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 4)) {
            Npy.write(file, tensor.slice(1, 3).reshape(2, 2, 2));
        }
        try (Tensor back = Npy.read(file)) {
            assertEquals(Shape.of(2, 2, 2), back.shape());
            assertArrayEquals(new double[] {4, 5, 6, 7, 8, 9, 10, 11}, back.toArray());
        }
    }
}
