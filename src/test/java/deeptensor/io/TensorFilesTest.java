package deeptensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorFilesTest {

    @TempDir
    Path dir;

    @Test
    void readsEachFormatByExtensionIntoOneResultType() throws IOException {
        Path npy = dir.resolve("a.NPY");
        try (Tensor dense = Tensor.of(new double[] {1, Double.NaN, 3, 4, Double.NaN, 6}, 2, 3)) {
            Npy.write(npy, dense);
        }
        Path tns = dir.resolve("a.tns");
        Files.writeString(tns, "1 1 2.5\n2 3 -1\n");
        Path csv = dir.resolve("a.csv");
        Files.writeString(csv, "i,j,v\n1,1,2.5\n");
        try (TensorFile a = TensorFiles.read(npy); TensorFile b = TensorFiles.read(tns); TensorFile c = TensorFiles.read(csv)) {
            TensorFile.Dense dense = assertInstanceOf(TensorFile.Dense.class, a);
            assertTrue(dense.layout().contains("dtype <f8"), dense.layout());
            assertEquals(4, a.observedCount());
            assertEquals(4 / 6.0, a.observedFraction());
            assertEquals(FileFormat.TNS, b.format());
            assertEquals(Shape.of(2, 3), b.shape());
            assertEquals(2, b.observedCount());
            assertEquals(FileFormat.CSV, c.format());
            assertEquals(1.0, c.observedFraction());
        }
        FormatException unknown = assertThrows(FormatException.class, () -> TensorFiles.read(dir.resolve("a.txt")));
        assertTrue(unknown.getMessage().contains(".npy, .tns or .csv"), unknown.getMessage());
    }

    @Test
    void observationsComeFromAnyFormatOrFromValuesPlusMask() throws IOException {
        Path npy = dir.resolve("v.npy");
        try (Tensor dense = Tensor.of(new double[] {1, Double.NaN, 3, 4}, 4)) {
            Npy.write(npy, dense);
        }
        Path mask = NpyBytes.write(dir, "m.npy", NpyBytes.file(1, NpyDtype.B1, false, new int[] {4}, new double[] {0, 0, 1, 1}));
        try (Observations fromNaN = TensorFiles.readObservations(npy, SparseOptions.defaults());
                Observations fromMask = TensorFiles.readObservations(npy, mask)) {
            assertArrayEquals(new double[] {1, 3, 4}, fromNaN.values().toArray());
            assertArrayEquals(new double[] {3, 4}, fromMask.values().toArray());
        }
        Path infinite = dir.resolve("inf.npy");
        try (Tensor dense = Tensor.of(new double[] {1, Double.POSITIVE_INFINITY}, 2)) {
            Npy.write(infinite, dense);
        }
        FormatException refused = assertThrows(FormatException.class,
                () -> TensorFiles.readObservations(infinite, SparseOptions.defaults()));
        assertTrue(refused.getMessage().startsWith(infinite + ": ") && refused.getMessage().contains("[1]"),
                refused.getMessage());
    }

    @Test
    void writingByExtensionRefusesUnknownExtensions() {
        try (Tensor tensor = Tensor.zeros(2)) {
            assertThrows(IllegalArgumentException.class, () -> TensorFiles.write(dir.resolve("x.tns"), tensor));
            assertThrows(IllegalArgumentException.class, () -> TensorFiles.write(dir.resolve("x.bin"), tensor));
        }
    }

    /** The acceptance case: a .tns and a CSV made from a real data set read back the same. */
    @Test
    void realDataConvertsToTnsAndCsvAndBack() throws IOException {
        Path source = Path.of("src/main/resources/deeptensor/data/unemployment.npy"); // the tensor the jar bundles
        try (Observations original = TensorFiles.readObservations(source, SparseOptions.defaults())) {
            assertEquals(Shape.of(14, 10, 12), original.shape());
            for (String name : new String[] {"u.tns", "u.csv", "u.npy"}) {
                Path copy = dir.resolve(name);
                TensorFiles.write(copy, original);
                try (TensorFile back = TensorFiles.read(copy);
                        Observations entries = TensorFiles.readObservations(copy, SparseOptions.defaults())) {
                    assertEquals(original.shape(), back.shape(), name);
                    assertEquals(original.count(), back.observedCount(), name);
                    assertArrayEquals(original.values().toArray(), entries.values().toArray(), name);
                }
            }
        }
    }
}
