package deeptensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Distinct bad inputs, each of which must be refused with a {@link FormatException} whose message
 * is {@code <file>: byte N: <problem>} or {@code <file>: line N: <problem>}, the position and the
 * problem being the ones stated here.
 */
class HostileInputTest {

    @TempDir
    Path dir;

    /**
     * One bad file.
     *
     * @param name what is wrong (also the test's display name)
     * @param fileName the file's name, whose extension picks the reader
     * @param content the bytes
     * @param position where the message must say the problem is: "byte N" or "line N"
     * @param fragment text the problem must contain
     */
    record Case(String name, String fileName, byte[] content, String position, String fragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String GOOD = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
    private static final byte[] DATA_2X3 = new byte[48];

    static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            buffer.put(part);
        }
        return buffer.array();
    }

    static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A v1.0 file whose header is {@code header} and whose data fits a 2×3 float64 array. */
    static Case npy(String name, String header, String position, String fragment) {
        return new Case(name, "bad.npy", NpyBytes.raw(1, header, DATA_2X3), position, fragment);
    }

    static Case npyBytes(String name, byte[] content, String position, String fragment) {
        return new Case(name, "bad.npy", content, position, fragment);
    }

    static Case text(String name, String fileName, String content, String position, String fragment) {
        return new Case(name, fileName, latin1(content), position, fragment);
    }

    static Stream<Case> cases() {
        byte[] magic = concat(bytes(0x93), latin1("NUMPY"));
        byte[] v1 = concat(magic, bytes(1, 0));
        int goodHeaderEnd = 10 + GOOD.length(); // where a "{...}" header after a v1.0 preamble ends
        List<Case> cases = new ArrayList<>();
        // ---- .npy: preamble
        cases.add(npyBytes("empty npy file", new byte[0], "byte 0", "empty"));
        cases.add(npyBytes("zip archive (an .npz renamed)", concat(latin1("PK"), bytes(3, 4), new byte[60]), "byte 0",
                "not a .npy file"));
        cases.add(npyBytes("magic cut short", bytes(0x93, 'N', 'U'), "byte 3", "inside the magic"));
        cases.add(npyBytes("magic only", magic, "byte 6", "before the format version"));
        cases.add(npyBytes("version 4.0", concat(magic, bytes(4, 0), bytes(10, 0), latin1("{}        ")), "byte 6",
                "version 4.0"));
        cases.add(npyBytes("version 1.1", concat(magic, bytes(1, 1), bytes(10, 0), latin1("{}        ")), "byte 6",
                "version 1.1"));
        cases.add(npyBytes("version 0.0", concat(magic, bytes(0, 0)), "byte 6", "version 0.0"));
        cases.add(npyBytes("header length field cut short", concat(v1, bytes(5)), "byte 9", "header length field"));
        cases.add(npyBytes("v1 header length past the end", concat(v1, bytes(0xFF, 0xFF), latin1(GOOD)), "byte 8",
                "65535 goes past the end"));
        cases.add(npyBytes("v2 header length of 4 GB", concat(magic, bytes(2, 0), bytes(0xFF, 0xFF, 0xFF, 0xFF), latin1(GOOD)),
                "byte 8", "4294967295 goes past the end"));
        cases.add(npyBytes("header longer than the limit",
                NpyBytes.raw(2, GOOD + " ".repeat(Limits.MAX_NPY_HEADER_BYTES), new byte[48]), "byte 8",
                "more than the 1048576 bytes accepted"));
        // ---- .npy: header syntax
        cases.add(npy("empty header", "", "byte 10", "where a value was expected"));
        cases.add(npy("header is a list", "['<f8', False, (2, 3)]", "byte 10", "a list, not a dictionary"));
        cases.add(npy("header is a tuple", "('<f8', False, (2, 3))", "byte 10", "a tuple, not a dictionary"));
        cases.add(npy("header is a string", "'hello'", "byte 10", "the string 'hello', not a dictionary"));
        cases.add(npy("string not closed", "{'descr': '<f8}\n", "byte 20", "not closed"));
        cases.add(npy("dictionary not closed", GOOD.substring(0, GOOD.length() - 3), "byte " + (goodHeaderEnd - 3),
                "the end of the header"));
        cases.add(npy("text after the dictionary", GOOD + " x", "byte " + (goodHeaderEnd + 1), "after the end"));
        cases.add(npy("NUL padding after the dictionary", GOOD + "\0\0\0", "byte " + goodHeaderEnd, "byte 0x00"));
        cases.add(npy("byte outside ASCII outside a string", "{\u00ff'descr': '<f8'}", "byte 11", "byte 0xff"));
        cases.add(npy("lower-case false", "{'descr': '<f8', 'fortran_order': false, 'shape': (2, 3)}", "byte 44",
                "unexpected name 'false'"));
        cases.add(npy("unsupported escape", "{'descr': '<f\\x38', 'fortran_order': False, 'shape': (2, 3)}", "byte 23",
                "unsupported escape"));
        cases.add(npy("brackets nested 100 deep", "{'descr': " + "(".repeat(100), "byte 27", "nest deeper"));
        cases.add(npyBytes("invalid UTF-8 in a v3 string", concat(magic, bytes(3, 0), bytes(62, 0, 0, 0),
                latin1("{'descr': '<f8\u00ff', 'fortran_order': False, 'shape': (2, 3)}"), DATA_2X3), "byte 22",
                "not valid UTF-8"));
        // ---- .npy: keys and values
        cases.add(npy("missing key 'shape'", "{'descr': '<f8', 'fortran_order': False}", "byte 10", "no 'shape' key"));
        cases.add(npy("missing key 'descr'", "{'fortran_order': False, 'shape': (2, 3)}", "byte 10", "no 'descr' key"));
        cases.add(npy("missing key 'fortran_order'", "{'descr': '<f8', 'shape': (2, 3)}", "byte 10",
                "no 'fortran_order' key"));
        cases.add(npy("unknown key", "{'descr': '<f8', 'order': 'C', 'fortran_order': False, 'shape': (2, 3)}", "byte 27",
                "unknown header key 'order'"));
        cases.add(npy("duplicate key", "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}",
                "byte 27", "'descr' appears twice"));
        cases.add(npy("key that is not a string", "{1: 2}", "byte 11", "the integer 1, not a string"));
        cases.add(npy("structured dtype", "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2, 3)}", "byte 20",
                "structured dtypes"));
        cases.add(npy("complex dtype", "{'descr': '<c16', 'fortran_order': False, 'shape': (2, 3)}", "byte 20",
                "dtype '<c16' is not supported"));
        cases.add(npy("half-precision dtype", "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3)}", "byte 20",
                "dtype '<f2' is not supported"));
        cases.add(npy("object dtype", "{'descr': '|O', 'fortran_order': False, 'shape': (2, 3)}", "byte 20",
                "dtype '|O' is not supported"));
        cases.add(npy("dtype given as a number", "{'descr': 8, 'fortran_order': False, 'shape': (2, 3)}", "byte 20",
                "'descr' is the integer 8"));
        cases.add(npy("fortran_order as an integer", "{'descr': '<f8', 'fortran_order': 1, 'shape': (2, 3)}", "byte 44",
                "not True or False"));
        cases.add(npy("fortran_order as a string", "{'descr': '<f8', 'fortran_order': 'False', 'shape': (2, 3)}",
                "byte 44", "not True or False"));
        cases.add(npy("shape as a list", "{'descr': '<f8', 'fortran_order': False, 'shape': [2, 3]}", "byte 60",
                "a list, not a tuple"));
        cases.add(npy("shape as a parenthesized integer", "{'descr': '<f8', 'fortran_order': False, 'shape': (6)}",
                "byte 61", "the integer 6, not a tuple"));
        cases.add(npy("negative dimension", "{'descr': '<f8', 'fortran_order': False, 'shape': (-2, -3)}", "byte 61",
                "negative (-2)"));
        cases.add(npy("dimension of 2^31", "{'descr': '<f8', 'fortran_order': False, 'shape': (2147483648, 3)}",
                "byte 61", "more than the 2147483647"));
        cases.add(npy("dimension of 50 digits", "{'descr': '<f8', 'fortran_order': False, 'shape': (" + "9".repeat(50) + ",)}",
                "byte 61", "more than 40 digits"));
        cases.add(npy("element count overflows", "{'descr': '<f8', 'fortran_order': False, 'shape': "
                + "(2147483647, 2147483647, 2147483647)}", "byte 60", "more elements than a tensor can hold"));
        cases.add(npy("dimension as a string", "{'descr': '<f8', 'fortran_order': False, 'shape': ('2', 3)}", "byte 61",
                "not an integer"));
        cases.add(npy("dimension as a float", "{'descr': '<f8', 'fortran_order': False, 'shape': (2.0, 3)}", "byte 62",
                "only decimal integers"));
        cases.add(npy("33 dimensions", "{'descr': '<f8', 'fortran_order': False, 'shape': (" + "1, ".repeat(33) + ")}",
                "byte 60", "33 dimensions"));
        // ---- .npy: data
        cases.add(npyBytes("data shorter than the shape", NpyBytes.raw(1, GOOD, new byte[47]), "byte " + (goodHeaderEnd + 47),
                "needs 48 bytes"));
        cases.add(npyBytes("data longer than the shape", NpyBytes.raw(1, GOOD, new byte[49]), "byte " + (goodHeaderEnd + 48),
                "1 bytes follow the data"));
        cases.add(npyBytes("no data at all", NpyBytes.raw(1, GOOD, new byte[0]), "byte " + goodHeaderEnd,
                "ends after 0 bytes"));
        cases.add(npyBytes("boolean byte 2", NpyBytes.raw(1, NpyBytes.header(1, "|b1", false, 3), bytes(1, 2, 0)),
                "byte 129", "byte 0x02"));
        cases.add(npyBytes("huge declared shape, tiny file", NpyBytes.raw(1,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 100000)}", new byte[8]), "byte 93",
                "needs 8000000000000000 bytes"));
        // ---- .tns
        cases.add(text("empty tns file", "bad.tns", "", "byte 0", "empty"));
        cases.add(text("comments and blank lines only", "bad.tns", "# nothing\n\n  \n", "line 3", "without a single entry"));
        cases.add(text("one field", "bad.tns", "1 1 1.0\n5\n", "line 2", "has 1 field"));
        cases.add(text("mixed orders", "bad.tns", "1 1 1.0\n1 2 3 1.0\n", "line 2", "makes the order 2"));
        cases.add(text("coordinate not a number", "bad.tns", "a 1 1.0\n", "line 1", "('a') is not a coordinate"));
        cases.add(text("value not a number", "bad.tns", "1 1 x\n", "line 1", "('x') is not a number"));
        cases.add(text("NaN value", "bad.tns", "1 1 1\n2 2 NaN\n", "line 2", "'NaN' in field 3 is not allowed"));
        cases.add(text("infinite value", "bad.tns", "1 1 -inf\n", "line 1", "'-inf' in field 3 is not allowed"));
        cases.add(text("value beyond double range", "bad.tns", "1 1 1e999\n", "line 1", "beyond the range"));
        cases.add(text("zero coordinate", "bad.tns", "1 1 1\n0 1 1\n", "line 2", "coordinate 0 in field 1"));
        cases.add(text("negative coordinate", "bad.tns", "1 -1 1\n", "line 1", "-1 in field 2 is negative"));
        cases.add(text("fractional coordinate", "bad.tns", "1.5 1 1\n", "line 1", "not an integer coordinate"));
        cases.add(text("coordinate beyond 2^31", "bad.tns", "99999999999 1 1\n", "line 1", "larger than 2147483647"));
        cases.add(text("duplicate entry", "bad.tns", "1 2 1\n2 2 1\n1 2 5\n", "line 3", "repeats line 1"));
        cases.add(text("40 fields", "bad.tns", "1 ".repeat(39) + "1.0\n", "line 1", "more than 33 fields"));
        cases.add(text("line longer than 64 KiB", "bad.tns", "1 1 " + "1".repeat(70_000) + "\n", "line 1", "longer than 65536"));
        cases.add(text("binary garbage", "bad.tns", "\0\1\2 \u00ff 7\n", "line 1", "('\\x00\\x01\\x02') is not a coordinate"));
        cases.add(text("inferred shape overflows", "bad.tns", "2147483647 2147483647 2147483647 1.0\n", "line 1",
                "inferred shape is too large"));
        cases.add(text("malformed shape comment", "bad.tns", "# shape: 3 x\n1 1 1\n", "line 1", "('x') is not an integer"));
        cases.add(text("entries of another order than the shape comment", "bad.tns", "# shape: 3 3\n1 1 1 1.0\n",
                "line 2", "shape comment on line 1 makes the order 2"));
        cases.add(text("entry outside the shape comment", "bad.tns", "# shape: 2 2\n3 1 1\n", "line 2", "outside 1..2"));
        cases.add(text("hexadecimal value", "bad.tns", "1 1 0x10\n", "line 1", "('0x10') is not a number"));
        cases.add(text("Java-only number syntax", "bad.tns", "1 1 1.0d\n", "line 1", "('1.0d') is not a number"));
        // ---- .csv
        cases.add(text("empty csv file", "bad.csv", "", "byte 0", "empty"));
        cases.add(text("header only", "bad.csv", "i,j,value\n", "line 1", "without a single entry"));
        cases.add(text("header of one field", "bad.csv", "value\n1\n", "line 1", "the header has 1 field"));
        cases.add(text("semicolons instead of commas", "bad.csv", "1;2;3.5\n", "line 1", "the header has 1 field"));
        cases.add(text("header and entries disagree", "bad.csv", "i,j,v\n1,2,3,4\n", "line 2", "header on line 1 makes the order 2"));
        cases.add(text("empty field", "bad.csv", "1,,2\n", "line 1", "field 2 is empty"));
        cases.add(text("trailing comma", "bad.csv", "1,2,3,\n", "line 1", "field 4 is empty"));
        cases.add(text("0-based file read as 1-based", "bad.csv", "0,0,1.5\n", "line 1", "count from 1"));
        cases.add(text("duplicate csv entry", "bad.csv", "1,1,1\n1,1,1\n", "line 2", "repeats line 1"));
        cases.add(text("NaN in csv", "bad.csv", "i,j,v\n1,1,nan\n", "line 2", "'nan' in field 3 is not allowed"));
        cases.add(text("quoted numbers", "bad.csv", "i,j,v\n\"1\",\"2\",\"3\"\n", "line 2", "('\"1\"') is not a coordinate"));
        cases.add(text("empty csv lines but no entries", "bad.csv", "\n\n\n", "line 3", "without a single entry"));
        // ---- any format
        cases.add(text("unknown extension", "data.txt", "1 1 1\n", "", "unknown file type"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithFileOffsetOrLineAndProblem(Case bad) throws IOException {
        Path file = dir.resolve(bad.fileName());
        Files.write(file, bad.content());
        FormatException refused = assertThrows(FormatException.class, () -> TensorFiles.read(file).close(), bad.name());
        String prefix = file + ": " + (bad.position().isEmpty() ? "" : bad.position() + ": ");
        assertTrue(refused.getMessage().startsWith(prefix), "expected the prefix '" + prefix + "' in: " + refused.getMessage());
        assertTrue(refused.problem().contains(bad.fragment()), "expected '" + bad.fragment() + "' in: " + refused.getMessage());
        assertEquals(file, refused.file());
        assertTrue(refused.getMessage().length() < 400, "one short line: " + refused.getMessage());
        assertTrue(refused.getMessage().indexOf('\n') < 0, "one line: " + refused.getMessage());
        if (bad.position().startsWith("byte")) {
            assertEquals(Long.parseLong(bad.position().substring(5)), refused.byteOffset().orElseThrow());
        } else if (bad.position().startsWith("line")) {
            assertEquals(Long.parseLong(bad.position().substring(5)), refused.line().orElseThrow());
        }
    }

    @Test
    void atLeastFortyDistinctCases() {
        Set<String> names = new HashSet<>();
        cases().forEach(bad -> assertTrue(names.add(bad.name()), "duplicate case name " + bad.name()));
        assertTrue(names.size() >= 40, names.size() + " cases");
    }

    @Test
    void duplicatesSummingPastTheDoubleRangeAreRefused() throws IOException {
        Path file = dir.resolve("sum.tns");
        Files.writeString(file, "1 1.5e308\n1 1.5e308\n");
        FormatException refused = assertThrows(FormatException.class,
                () -> Tns.read(file, SparseOptions.defaults().withDuplicates(Duplicates.SUM)));
        assertTrue(refused.getMessage().startsWith(file + ": line 2: ") && refused.getMessage().contains("overflows"),
                refused.getMessage());
    }

    @Test
    void aDeclaredSizeBeyondThisMachineIsRefusedBeforeAllocating() throws IOException {
        long memory = physicalMemory();
        Assumptions.assumeTrue(memory > 0, "the machine's memory size is unknown here; skipping");
        // A sparse file that truly holds the declared data (so every other check passes) but is
        // larger than the machine's memory: only the allocation check can refuse it.
        long elements = Long.highestOneBit(memory / Double.BYTES) * 4; // 2 to 4 times the memory
        int last = (int) (elements / (1 << 20));
        String header = NpyBytes.header(1, "<f8", false, 1 << 10, 1 << 10, last);
        Path file = dir.resolve("huge.npy");
        Files.write(file, NpyBytes.raw(1, header, new byte[0]));
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(Files.size(file) + elements * Double.BYTES);
        } catch (IOException unsupported) {
            Assumptions.abort("this file system cannot hold a sparse file of " + elements * 8 + " bytes: " + unsupported);
        }
        assertEquals(elements, Npy.readHeader(file).shape().size(), "the header itself is valid");
        FormatException refused = assertThrows(FormatException.class, () -> Npy.read(file).close());
        assertTrue(refused.getMessage().startsWith(file + ": byte 10: the array cannot be held"), refused.getMessage());
        assertTrue(refused.getMessage().contains("the limit of off-heap memory is") && refused.getMessage().contains("physical memory"), refused.getMessage());
    }

    private static long physicalMemory() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean platform) {
            return platform.getTotalMemorySize();
        }
        return -1;
    }

    @Test
    void numbersAreStoredLittleEndianInTheTestEncoderToo() {
        // Guards the test encoder used above: a v2 length is 4 bytes little-endian.
        byte[] file = NpyBytes.raw(2, "{}", new byte[0]);
        assertEquals(2, ByteBuffer.wrap(file, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }
}
