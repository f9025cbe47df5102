package deeptensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparseTextTest {

    @TempDir
    Path dir;

    Path file(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.ISO_8859_1);
        return file;
    }

    static String entries(Observations observations) {
        StringBuilder text = new StringBuilder();
        for (int entry = 0; entry < observations.count(); entry++) {
            for (int mode = 0; mode < observations.coordinates().shape().order(); mode++) {
                text.append(observations.coordinates().index(entry, mode)).append(' ');
            }
            text.append(observations.value(entry)).append('\n');
        }
        return text.toString();
    }

    @Test
    void tnsAcceptsCommentsBlankLinesAnyWhitespaceAndCrLf() throws IOException {
        byte[] body = "# a comment\n\n1 1 1 1.5\r\n  2\t3   1 -2e3 # trailing comment\n\t\n3 1 2 +.25"
                .getBytes(StandardCharsets.US_ASCII); // no final line end
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF; // a UTF-8 byte order mark, as some editors write
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        Path tns = dir.resolve("a.tns");
        Files.write(tns, withBom);
        try (Observations observations = Tns.read(tns)) {
            assertEquals(Shape.of(3, 3, 2), observations.shape(), "inferred: the largest coordinate per mode");
            assertEquals("0 0 0 1.5\n1 2 0 -2000.0\n2 0 1 0.25\n", entries(observations));
        }
    }

    @Test
    void everyLineEndIsALineEnd() throws IOException {
        Path tns = file("r.tns", "1 1 1\r2 2 2\r\n3 3 3\n\r4 4 x");
        FormatException refused = assertThrows(FormatException.class, () -> Tns.read(tns));
        assertEquals(5, refused.line().orElseThrow(), "\\r, \\r\\n, \\n and \\r each end one line: " + refused.getMessage());
        Files.writeString(tns, "1 1 1\r2 2 2\r\n3 3 3\r");
        try (Observations observations = Tns.read(tns)) {
            assertEquals("0 0 1.0\n1 1 2.0\n2 2 3.0\n", entries(observations));
        }
    }

    @Test
    void csvAcceptsAnOptionalHeaderAndSpacesAroundFields() throws IOException {
        String body = "1, 2,0.5\n 2 ,1 , 7\n";
        try (Observations plain = CsvCoordinates.read(file("p.csv", body));
                Observations headed = CsvCoordinates.read(file("h.csv", "# c\nrow,col,value\n" + body));
                Observations quoted = CsvCoordinates.read(file("q.csv", "\"i\",\"j\",\"v\"\r\n" + body))) {
            for (Observations observations : new Observations[] {plain, headed, quoted}) {
                assertEquals(Shape.of(2, 2), observations.shape());
                assertEquals("0 1 0.5\n1 0 7.0\n", entries(observations));
            }
        }
    }

    @Test
    void zeroBasedFilesAreReadWithIndexBaseZero() throws IOException {
        Path csv = file("z.csv", "0,0,1\n4,2,2\n");
        FormatException refused = assertThrows(FormatException.class, () -> CsvCoordinates.read(csv));
        assertTrue(refused.getMessage().contains("index base 0"), refused.getMessage());
        try (Observations observations = CsvCoordinates.read(csv, SparseOptions.defaults().withIndexBase(0))) {
            assertEquals(Shape.of(5, 3), observations.shape());
        }
    }

    @Test
    void duplicatePoliciesRefuseSumOrKeepTheLast() throws IOException {
        Path tns = file("d.tns", "1 1 1\n2 2 5\n1 1 2\n3 1 1\n1 1 4\n");
        FormatException refused = assertThrows(FormatException.class, () -> Tns.read(tns));
        assertEquals(3, refused.line().orElseThrow());
        assertTrue(refused.getMessage().contains("repeats line 1"), refused.getMessage());
        try (Observations sum = Tns.read(tns, SparseOptions.defaults().withDuplicates(Duplicates.SUM));
                Observations last = Tns.read(tns, SparseOptions.defaults().withDuplicates(Duplicates.LAST_WINS))) {
            assertEquals("0 0 7.0\n1 1 5.0\n2 0 1.0\n", entries(sum), "merged where the first occurrence was");
            assertEquals("0 0 4.0\n1 1 5.0\n2 0 1.0\n", entries(last));
        }
    }

    @Test
    void aGivenShapeIsUsedAndEnforced() throws IOException {
        Path tns = file("s.tns", "1 2 1\n3 4 2\n");
        try (Observations observations = Tns.read(tns, SparseOptions.defaults().withShape(Shape.of(10, 10)))) {
            assertEquals(Shape.of(10, 10), observations.shape());
            assertEquals(2, observations.count());
        }
        FormatException outside = assertThrows(FormatException.class,
                () -> Tns.read(tns, SparseOptions.defaults().withShape(Shape.of(3, 4, 1))));
        assertTrue(outside.getMessage().contains("order 3"), outside.getMessage());
        FormatException range = assertThrows(FormatException.class,
                () -> Tns.read(tns, SparseOptions.defaults().withShape(Shape.of(3, 3))));
        assertEquals(2, range.line().orElseThrow());
        assertTrue(range.getMessage().contains("outside 1..3"), range.getMessage());
    }

    @Test
    void theShapeCommentKeepsEmptyTrailingSlicesAndGivenShapesWin() throws IOException {
        Path tns = file("c.tns", "# shape: 5 6\n1 1 1\n");
        try (Observations fromComment = Tns.read(tns);
                Observations given = Tns.read(tns, SparseOptions.defaults().withShape(Shape.of(2, 2)))) {
            assertEquals(Shape.of(5, 6), fromComment.shape());
            assertEquals(Shape.of(2, 2), given.shape());
        }
    }

    @Test
    void writeThenReadRoundTripsExactlyInBothFormatsAndBases() throws IOException {
        try (Tensor dense = Tensor.gaussian(3, 1e-3, 4, 5, 3)) {
            for (long i = 0; i < dense.size(); i += 2) {
                dense.setFlat(i, Double.NaN);
            }
            dense.setFlat(dense.size() - 1, Double.NaN); // the last slices of each mode partly unobserved
            dense.setFlat(1, -Double.MAX_VALUE);
            dense.setFlat(3, Double.MIN_VALUE);
            try (Observations original = Observations.fromDense(dense)) {
                Path tns = dir.resolve("o.tns");
                Path csv = dir.resolve("o.csv");
                Path csv0 = dir.resolve("o0.csv");
                Tns.write(tns, original);
                CsvCoordinates.write(csv, original);
                CsvCoordinates.write(csv0, original, 0);
                try (Observations a = Tns.read(tns);
                        Observations b = CsvCoordinates.read(csv);
                        Observations c = CsvCoordinates.read(csv0, SparseOptions.defaults().withIndexBase(0))) {
                    for (Observations back : new Observations[] {a, b, c}) {
                        assertEquals(original.shape(), back.shape());
                        assertEquals(entries(original), entries(back));
                        assertArrayEquals(original.values().toArray(), back.values().toArray());
                    }
                }
                assertTrue(Files.readString(csv).startsWith("# shape: 4 5 3\ni1,i2,i3,value\n1,1,2,"),
                        Files.readString(csv).substring(0, 40));
            }
        }
    }
}
