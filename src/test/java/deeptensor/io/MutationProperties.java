package deeptensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Mutated valid files (truncations, bit flips, inserted, deleted and overwritten bytes, repeated
 * lines) must each either parse or be refused with a {@link FormatException}: never another
 * exception, an error, or unbounded work. Unmutated files must read back exactly.
 */
class MutationProperties {

    private static Path dir;

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("deeptensor-mutations");
    }

    @AfterContainer
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

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Mutation> one = Combinators.combine(Arbitraries.of(Kind.class),
                Arbitraries.integers().between(0, 1 << 20), Arbitraries.integers().between(0, 255)).as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(3);
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

    @Property(tries = 300)
    void validNpyFilesReadBackExactly(@ForAll @IntRange(min = 0, max = 9) int dtypeIndex, @ForAll boolean fortran,
            @ForAll @IntRange(min = 1, max = 3) int major, @ForAll @Size(max = 5) List<@IntRange(min = 0, max = 4) Integer> dims)
            throws IOException {
        NpyDtype dtype = NpyDtype.values()[dtypeIndex];
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        double[] values = NpyBytes.exactValues(dtype, (int) Shape.of(shape).size(), dims.hashCode());
        Path file = write("valid.npy", NpyBytes.file(major, dtype, fortran, shape, values));
        try (Tensor tensor = Npy.read(file)) {
            assertEquals(Shape.of(shape), tensor.shape());
            assertArrayEquals(values, tensor.toArray());
        }
    }

    @Property(tries = 3000)
    void mutatedNpyFilesParseOrAreRefusedCleanly(@ForAll @IntRange(min = 0, max = 9) int dtypeIndex, @ForAll boolean fortran,
            @ForAll @IntRange(min = 1, max = 3) int major, @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 4) Integer> dims,
            @ForAll("mutations") List<Mutation> mutations) {
        byte[] valid = validNpy(dtypeIndex, fortran, major, dims);
        int headerEnd = valid.length - (int) Shape.of(dims.stream().mapToInt(Integer::intValue).toArray()).size()
                * NpyDtype.values()[dtypeIndex].itemSize();
        boolean parsed = readsOrRefuses(write("mutated.npy", mutate(valid, mutations, headerEnd)));
        Statistics.label("outcome").collect(parsed ? "parsed" : "refused")
                .coverage(outcome -> outcome.check("refused").percentage(p -> p > 30)); // the header is hit most
    }

    @Property(tries = 500)
    void bitFlipsInTheDataOfNumbersParseAndChangeOneElement(@ForAll @IntRange(min = 0, max = 8) int dtypeIndex,
            @ForAll boolean fortran, @ForAll @IntRange(min = 1, max = 3) int major,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 1, max = 4) Integer> dims,
            @ForAll @IntRange(min = 0, max = 1 << 20) int position, @ForAll @IntRange(min = 0, max = 7) int bit)
            throws IOException {
        NpyDtype dtype = NpyDtype.values()[dtypeIndex]; // every type but the boolean, whose bytes must be 0 or 1
        byte[] valid = validNpy(dtypeIndex, fortran, major, dims);
        int dataBytes = (int) Shape.of(dims.stream().mapToInt(Integer::intValue).toArray()).size() * dtype.itemSize();
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
    }

    @Property(tries = 1000)
    void npyHeadersWithRandomLengthFieldsAreRefusedCleanly(@ForAll @IntRange(min = 1, max = 3) int major,
            @ForAll int length, @ForAll @IntRange(min = 0, max = 200) int extraBytes) {
        byte[] valid = validNpy(0, false, major, List.of(2, 3));
        byte[] bytes = java.util.Arrays.copyOf(valid, valid.length + extraBytes);
        bytes[8] = (byte) length;
        bytes[9] = (byte) (length >>> 8);
        if (major > 1) {
            bytes[10] = (byte) (length >>> 16);
            bytes[11] = (byte) (length >>> 24);
        }
        boolean parsed = readsOrRefuses(write("length.npy", bytes));
        Statistics.label("outcome").collect(parsed ? "parsed" : "refused")
                .coverage(outcome -> outcome.check("refused").percentage(p -> p > 90));
    }

    // ---------------------------------------------------------------------------- .tns and .csv

    @Provide
    Arbitrary<List<List<Integer>>> entries() {
        return Arbitraries.integers().between(1, 4).flatMap(order ->
                Arbitraries.integers().between(1, 5).list().ofSize(order).list().ofMinSize(1).ofMaxSize(12));
    }

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

    @Property(tries = 300)
    void validSparseFilesReadBack(@ForAll("entries") List<List<Integer>> entries, @ForAll boolean csv) throws IOException {
        String text = sparseText(entries, csv ? "," : " ", csv);
        Path file = write(csv ? "valid.csv" : "valid.tns", text.getBytes(StandardCharsets.US_ASCII));
        try (TensorFile content = TensorFiles.read(file)) {
            assertEquals(new LinkedHashSet<>(entries).size(), content.observedCount());
            for (int mode = 0; mode < entries.getFirst().size(); mode++) {
                int m = mode;
                assertEquals(entries.stream().mapToInt(e -> e.get(m)).max().orElseThrow(), content.shape().dim(mode));
            }
        }
    }

    @Property(tries = 3000)
    void mutatedSparseFilesParseOrAreRefusedCleanly(@ForAll("entries") List<List<Integer>> entries, @ForAll boolean csv,
            @ForAll("mutations") List<Mutation> mutations) {
        byte[] valid = sparseText(entries, csv ? "," : " ", csv).getBytes(StandardCharsets.US_ASCII);
        boolean parsed = readsOrRefuses(write(csv ? "mutated.csv" : "mutated.tns", mutate(valid, mutations, valid.length)));
        Statistics.label("outcome").collect(parsed ? "parsed" : "refused")
                .coverage(outcome -> {
                    outcome.check("parsed").percentage(p -> p > 5);
                    outcome.check("refused").percentage(p -> p > 5);
                });
    }
}
