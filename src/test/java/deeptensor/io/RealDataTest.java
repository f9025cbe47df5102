package deeptensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reads four real tensors (the sets of docs/accuracy.md: astronaut, muybridge_cat, unemployment,
 * digits) from a folder holding {@code <set>/<set>.npy}, named by the environment variable
 * {@value #VARIABLE} or the system property {@code deeptensor.realData}; skipped when neither is
 * set or the file is absent. Shapes, dtypes and value ranges are those the data sets' sources
 * give (docs/accuracy.md lists them).
 */
class RealDataTest {

    static final String VARIABLE = "DEEPTENSOR_REAL_DATA";

    /** The folder of real tensors, or null when none is configured. */
    static Path folder() {
        String configured = System.getProperty("deeptensor.realData", System.getenv(VARIABLE));
        return configured == null || configured.isBlank() ? null : Path.of(configured);
    }

    static Path dataFile(String name) {
        Path folder = folder();
        Path file = folder == null ? null : folder.resolve(name).resolve(name + ".npy");
        Assumptions.assumeTrue(file != null && Files.isRegularFile(file),
                "no real tensor " + name + " here (set " + VARIABLE + " to a folder holding <set>/<set>.npy to test it)");
        return file;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "astronaut,     256x256x3,  <f4, 0,    1",
        "muybridge_cat, 24x100x152, <f4, 0.20, 0.83",
        "unemployment,  14x10x12,   <f8, 2,    2044",
        "digits,        1797x8x8,   <f8, 0,    16",
    })
    void readsTheSharedDataWithTheDocumentedShapeDtypeAndRange(String name, String dims, String descr,
            double low, double high) throws IOException {
        Path file = dataFile(name);
        String[] parts = dims.split("x");
        Shape shape = Shape.of(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        NpyHeader header = Npy.readHeader(file);
        assertEquals(shape, header.shape());
        assertEquals(descr, header.dtype().descr());
        assertEquals(1, header.majorVersion());
        try (Tensor tensor = Npy.read(file)) {
            assertEquals(shape, tensor.shape());
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (long i = 0; i < tensor.size(); i++) {
                min = Math.min(min, tensor.getFlat(i));
                max = Math.max(max, tensor.getFlat(i));
            }
            // The README rounds to two decimals.
            assertTrue(min >= low - 0.005 && max <= high + 0.005, name + " range [" + min + ", " + max + "]");
            assertTrue(min <= low + 0.005 && max >= high - 0.005, name + " range [" + min + ", " + max + "]");
        }
    }
}
