package deeptensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import deeptensor.testing.Properties;

import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Mutated valid files (truncations, bit flips, inserted, deleted and overwritten bytes, repeated
 * lines) must each either parse or be refused with a {@link FormatException}: never another
 * exception, an error, or unbounded work. Unmutated files must read back exactly.
 */
class MutationProperties {

    private static Path dir;

    @BeforeAll
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("deeptensor-mutations");
    }

    @AfterAll
    static void deleteDirectory() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    /** The ways a file is damaged. */
    enum Kind { TRUNCATE, FLIP_BIT, INSERT_BYTE, DELETE_BYTE, OVERWRITE_SYNTAX, DUPLICATE_LINE }

    /**
     * One damage.
     *
     * @param kind what is done
     * @param position where (reduced modulo the length; three times in four inside the header, where damage matters most)
     * @param value the byte or bit involved
     */
    record Mutation(Kind kind, int position, int value) {
    }

    /** Characters that are meaningful to the parsers: overwriting with them reaches deeper code than random bytes. */
    private static final byte[] SYNTAX = "{}()[],:'\" 0123456789-+LTFNx\n\t#.eE<>|fib\r".getBytes(StandardCharsets.ISO_8859_1);

    /** One to three damages. */
    private static final Gen<List<Mutation>> MUTATIONS = lists()
            .of(arbitrary().enumValues(Kind.class).zip(integers().between(0, 1 << 20), integers().between(0, 255), Mutation::new))
            .ofSizeBetween(1, 3);

    /** A file operation that may fail with an I/O error (reported as unchecked, so that the property fails). */
    interface IoCheck {
        void run() throws IOException;
    }

    static void io(IoCheck check) {
        try {
            check.run();
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    /** Asserts that the outcome counted by {@code of} is more than {@code percent} % of the examples run. */
    private static void assertShare(String outcome, AtomicInteger of, AtomicInteger all, double percent) {
        double share = 100.0 * of.get() / all.get();
        assertTrue(share > percent, outcome + " in " + share + " % of " + all.get() + " examples; expected more than " + percent + " %");
    }

    static byte[] mutate(byte[] original, List<Mutation> mutations, int headerEnd) {
        byte[] bytes = original;
        for (Mutation m : mutations) {
            bytes = mutate(bytes, m, headerEnd);
        }
        return bytes;
    }

    private static byte[] mutate(byte[] bytes, Mutation m, int headerEnd) {
        int length = bytes.length;
        if (length == 0) {
            return m.kind() == Kind.INSERT_BYTE ? new byte[] {(byte) m.value()} : bytes;
        }
        int focus = Math.max(1, Math.min(length, headerEnd));
        int at = m.position() % 4 != 0 ? (m.position() / 4) % focus : m.position() % length;
        byte[] out;
        switch (m.kind()) {
            case TRUNCATE -> out = java.util.Arrays.copyOf(bytes, at);
            case FLIP_BIT -> {
                out = bytes.clone();
                out[at] ^= (byte) (1 << (m.value() % 8));
            }
            case INSERT_BYTE -> {
                out = new byte[length + 1];
                System.arraycopy(bytes, 0, out, 0, at);
                out[at] = (byte) m.value();
                System.arraycopy(bytes, at, out, at + 1, length - at);
            }
            case DELETE_BYTE -> {
                out = new byte[length - 1];
                System.arraycopy(bytes, 0, out, 0, at);
                System.arraycopy(bytes, at + 1, out, at, length - at - 1);
            }
            case OVERWRITE_SYNTAX -> {
                out = bytes.clone();
                out[at] = SYNTAX[m.value() % SYNTAX.length];
            }
            case DUPLICATE_LINE -> {
                int start = at;
                while (start > 0 && bytes[start - 1] != '\n') {
                    start--;
                }
                int end = at;
                while (end < length && bytes[end] != '\n') {
                    end++;
                }
                end = Math.min(length, end + 1);
                out = new byte[length + end - start]; // bytes[0, end), the line again, bytes[end, length)
                System.arraycopy(bytes, 0, out, 0, end);
                System.arraycopy(bytes, start, out, end, end - start);
                System.arraycopy(bytes, end, out, 2 * end - start, length - end);
            }
            default -> throw new AssertionError(m.kind());
        }
        return out;
    }

    /** Reads a file through the dispatcher: it must parse or fail with a FormatException about it. */
    static boolean readsOrRefuses(Path file) {
        try (TensorFile content = TensorFiles.read(file)) {
            assertTrue(content.observedCount() >= 0);
            return true;
        } catch (FormatException refused) {
            assertTrue(refused.getMessage().startsWith(file + ": "), refused.getMessage());
            return false;
        } catch (IOException unexpected) {
            throw new UncheckedIOException("an I/O failure other than a format error", unexpected);
        }
    }

    static Path write(String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    // ---------------------------------------------------------------------------------------- .npy

    static byte[] validNpy(int dtypeIndex, boolean fortran, int major, List<Integer> dims) {
        NpyDtype dtype = NpyDtype.values()[dtypeIndex];
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        double[] values = NpyBytes.exactValues(dtype, (int) Shape.of(shape).size(), dims.hashCode());
        return NpyBytes.file(major, dtype, fortran, shape, values);
    }

    /**
     * The parameters of a valid .npy file: a dtype (index into {@link NpyDtype}), the memory order,
     * the format version and the shape.
     */
    record NpyCase(int dtypeIndex, boolean fortran, int major, List<Integer> dims) {

        byte[] bytes() {
            return validNpy(dtypeIndex, fortran, major, dims);
        }

        int[] shape() {
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** Valid .npy files: dtypes {@code 0..maxDtype}, orders {@code minOrder..maxOrder}, sizes {@code minDim..4}. */
    static Gen<NpyCase> npyCases(int maxDtype, int minOrder, int maxOrder, int minDim) {
        return integers().between(0, maxDtype).zip(booleans().all(), integers().between(1, 3),
                lists().of(integers().between(minDim, 4)).ofSizeBetween(minOrder, maxOrder), NpyCase::new);
    }

    @Test
    void validNpyFilesReadBackExactly() {
        Properties.check(300, npyCases(9, 0, 5, 0), npy -> io(() -> {
            NpyDtype dtype = NpyDtype.values()[npy.dtypeIndex()];
            int[] shape = npy.shape();
            double[] values = NpyBytes.exactValues(dtype, (int) Shape.of(shape).size(), npy.dims().hashCode());
            Path file = write("valid.npy", NpyBytes.file(npy.major(), dtype, npy.fortran(), shape, values));
            try (Tensor tensor = Npy.read(file)) {
                assertEquals(Shape.of(shape), tensor.shape());
                assertArrayEquals(values, tensor.toArray());
            }
        }));
    }

    @Test
    void mutatedNpyFilesParseOrAreRefusedCleanly() {
        AtomicInteger all = new AtomicInteger(), refused = new AtomicInteger();
        Properties.qt(3000).forAll(npyCases(9, 0, 4, 0), MUTATIONS).checkAssert((npy, mutations) -> {
            byte[] valid = npy.bytes();
            int headerEnd = valid.length - (int) Shape.of(npy.shape()).size() * NpyDtype.values()[npy.dtypeIndex()].itemSize();
            boolean parsed = readsOrRefuses(write("mutated.npy", mutate(valid, mutations, headerEnd)));
            all.incrementAndGet();
            refused.addAndGet(parsed ? 0 : 1);
        });
        assertShare("refused", refused, all, 30); // the header is hit most
    }

    @Test
    void bitFlipsInTheDataOfNumbersParseAndChangeOneElement() {
        // Every type but the boolean (index 9), whose bytes must be 0 or 1; at least one element.
        Properties.qt(500).forAll(npyCases(8, 1, 4, 1), integers().between(0, 1 << 20), integers().between(0, 7))
                .checkAssert((npy, position, bit) -> io(() -> {
                    NpyDtype dtype = NpyDtype.values()[npy.dtypeIndex()];
                    byte[] valid = npy.bytes();
                    int dataBytes = (int) Shape.of(npy.shape()).size() * dtype.itemSize();
                    byte[] flipped = valid.clone();
                    flipped[valid.length - dataBytes + position % dataBytes] ^= (byte) (1 << bit);
                    try (Tensor before = Npy.read(write("before.npy", valid)); Tensor after = Npy.read(write("after.npy", flipped))) {
                        int changed = 0;
                        for (long i = 0; i < before.size(); i++) {
                            if (Double.doubleToRawLongBits(before.getFlat(i)) != Double.doubleToRawLongBits(after.getFlat(i))) {
                                changed++;
                            }
                        }
                        assertEquals(1, changed, "exactly the element holding the flipped bit changes");
                    }
                }));
    }

    @Test
    void npyHeadersWithRandomLengthFieldsAreRefusedCleanly() {
        AtomicInteger all = new AtomicInteger(), refused = new AtomicInteger();
        Properties.qt(1000).forAll(integers().between(1, 3), integers().all(), integers().between(0, 200))
                .checkAssert((major, length, extraBytes) -> {
                    byte[] valid = validNpy(0, false, major, List.of(2, 3));
                    byte[] bytes = java.util.Arrays.copyOf(valid, valid.length + extraBytes);
                    bytes[8] = (byte) (int) length;
                    bytes[9] = (byte) (length >>> 8);
                    if (major > 1) {
                        bytes[10] = (byte) (length >>> 16);
                        bytes[11] = (byte) (length >>> 24);
                    }
                    boolean parsed = readsOrRefuses(write("length.npy", bytes));
                    all.incrementAndGet();
                    refused.addAndGet(parsed ? 0 : 1);
                });
        assertShare("refused", refused, all, 90);
    }

    // ---------------------------------------------------------------------------- .tns and .csv

    /** 1–12 entries of one order (1–4), indices 1–5. */
    private static final Gen<List<List<Integer>>> ENTRIES = integers().between(1, 4)
            .flatMap(order -> lists().of(lists().of(integers().between(1, 5)).ofSize(order)).ofSizeBetween(1, 12));

    /** Distinct entries as text: coordinates, then a value derived from the line number. */
    static String sparseText(List<List<Integer>> entries, String separator, boolean header) {
        Set<List<Integer>> distinct = new LinkedHashSet<>(entries);
        StringBuilder text = new StringBuilder("# made by a test\n");
        if (header) {
            List<String> names = new ArrayList<>();
            for (int mode = 0; mode < entries.getFirst().size(); mode++) {
                names.add("i" + mode);
            }
            text.append(String.join(separator, names)).append(separator).append("value\n");
        }
        int line = 0;
        for (List<Integer> entry : distinct) {
            for (int index : entry) {
                text.append(index).append(separator);
            }
            text.append(++line * 0.25 - 1).append('\n');
        }
        return text.toString();
    }

    @Test
    void validSparseFilesReadBack() {
        Properties.qt(300).forAll(ENTRIES, booleans().all()).checkAssert((entries, csv) -> io(() -> {
            String text = sparseText(entries, csv ? "," : " ", csv);
            Path file = write(csv ? "valid.csv" : "valid.tns", text.getBytes(StandardCharsets.US_ASCII));
            try (TensorFile content = TensorFiles.read(file)) {
                assertEquals(new LinkedHashSet<>(entries).size(), content.observedCount());
                for (int mode = 0; mode < entries.getFirst().size(); mode++) {
                    int m = mode;
                    assertEquals(entries.stream().mapToInt(e -> e.get(m)).max().orElseThrow(), content.shape().dim(mode));
                }
            }
        }));
    }

    @Test
    void mutatedSparseFilesParseOrAreRefusedCleanly() {
        AtomicInteger all = new AtomicInteger(), parsedCount = new AtomicInteger(), refused = new AtomicInteger();
        Properties.qt(3000).forAll(ENTRIES, booleans().all(), MUTATIONS).checkAssert((entries, csv, mutations) -> {
            byte[] valid = sparseText(entries, csv ? "," : " ", csv).getBytes(StandardCharsets.US_ASCII);
            boolean parsed = readsOrRefuses(write(csv ? "mutated.csv" : "mutated.tns", mutate(valid, mutations, valid.length)));
            all.incrementAndGet();
            (parsed ? parsedCount : refused).incrementAndGet();
        });
        assertShare("parsed", parsedCount, all, 5);
        assertShare("refused", refused, all, 5);
    }
}
