package deeptensor;

import deeptensor.internal.AtomicFiles;
import deeptensor.io.FormatException;
import deeptensor.internal.model.Factorization;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The file format of a {@link CompletionModel}, version 1. Little-endian throughout; "u32" is an
 * unsigned 32-bit integer (at most 2³¹ − 1 here), "f64" an IEEE double.
 * <pre>
 *   bytes  "DTMODEL\0"                      magic (8 bytes)
 *   u32    1                                format version
 *   u32    N                                order; then N × u32: the mode sizes
 *   f64    scale                            positive; every value is multiplied by it
 *   f64    constant
 *   u32    L; L bytes                       description, UTF-8 (L &le; 65 536)
 *   N ×  ( u8 present; present ? dₙ × f64 ) per-mode effects
 *   i32    m                                left-out mode of the table, or −1 for none;
 *                                           m &ge; 0: (Π_{n≠m} dₙ) × f64, row-major over the other modes
 *   u32    K                                factorizations (K &le; 1 024); each:
 *            u8 kind (0 CP, 1 Tucker, 2 tensor train); f64 weight;
 *            u32 count; count × u32 ranks;  u64 V; V × f64 values (layout of {@link Factorization})
 *   u32    CRC32C of every byte before it
 * </pre>
 * Every value must be finite. Reading checks, in order: the magic, the version (a newer one is
 * refused by name), the checksum over the whole file, then each field against the bytes that remain
 * before anything is allocated; any refusal is a {@link FormatException} naming the file and the
 * byte. Writing is atomic.
 */
final class ModelFile {

    static final int VERSION = 1;
    private static final byte[] MAGIC = {'D', 'T', 'M', 'O', 'D', 'E', 'L', 0};
    private static final int MAX_DESCRIPTION = 1 << 16;
    private static final int MAX_COMPONENTS = 1 << 10;
    private static final int MAX_ORDER = 64;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ModelFile() {
    }

    // ------------------------------------------------------------------------------------ writing

    static void write(CompletionModel model, Path file) throws IOException {
        AtomicFiles.replace(file, channel -> {
            Sink out = new Sink(channel);
            out.bytes(MAGIC);
            out.u32(VERSION);
            Shape shape = model.shape();
            out.u32(shape.order());
            for (int n = 0; n < shape.order(); n++) {
                out.u32(shape.dim(n));
            }
            out.f64(model.scale());
            out.f64(model.constant());
            // At most 3 bytes per char in UTF-8 (4 per surrogate pair): 16 000 chars stay under the limit.
            String text = model.describe();
            byte[] description = (text.length() > 16_000 ? text.substring(0, 16_000) : text).getBytes(StandardCharsets.UTF_8);
            out.u32(description.length);
            out.bytes(description);
            for (int n = 0; n < shape.order(); n++) {
                double[] effects = model.effects(n);
                out.u8(effects == null ? 0 : 1);
                if (effects != null) {
                    out.f64s(effects);
                }
            }
            out.u32(model.tableMode());
            if (model.tableMode() >= 0) {
                out.f64s(model.table());
            }
            List<Factorization> components = model.components();
            double[] weights = model.weights();
            out.u32(components.size());
            for (int k = 0; k < components.size(); k++) {
                Factorization f = components.get(k);
                out.u8(f.kind().ordinal());
                out.f64(weights[k]);
                int[] ranks = f.ranks();
                out.u32(ranks.length);
                for (int r : ranks) {
                    out.u32(r);
                }
                out.u64(f.size());
                out.segment(f.values());
            }
            out.finish();
        });
    }

    /** Buffered little-endian output that keeps a CRC32C of everything written. */
    private static final class Sink {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C checksum = new CRC32C();

        Sink(FileChannel channel) {
            this.channel = channel;
        }

        private void room(int bytes) throws IOException {
            if (buffer.remaining() < bytes) {
                flush();
            }
        }

        private void flush() throws IOException {
            buffer.flip();
            checksum.update(buffer.duplicate());
            AtomicFiles.writeFully(channel, buffer);
            buffer.clear();
        }

        void u8(int value) throws IOException {
            room(1);
            buffer.put((byte) value);
        }

        void u32(int value) throws IOException {
            room(4);
            buffer.putInt(value);
        }

        void u64(long value) throws IOException {
            room(8);
            buffer.putLong(value);
        }

        void f64(double value) throws IOException {
            room(8);
            buffer.putDouble(value);
        }

        void f64s(double[] values) throws IOException {
            for (double v : values) {
                f64(v);
            }
        }

        void bytes(byte[] bytes) throws IOException {
            for (byte b : bytes) {
                u8(b);
            }
        }

        /** Native-order doubles, written little-endian. */
        void segment(MemorySegment values) throws IOException {
            long count = values.byteSize() / Double.BYTES;
            for (long i = 0; i < count; i++) {
                f64(values.getAtIndex(ValueLayout.JAVA_DOUBLE, i));
            }
        }

        void finish() throws IOException {
            flush();
            ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) checksum.getValue());
            trailer.flip();
            AtomicFiles.writeFully(channel, trailer);
        }
    }

    // ------------------------------------------------------------------------------------ reading

    static CompletionModel read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw FormatException.ofFile(file, "is a folder; a model file was expected");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw FormatException.ofFile(file, "is not a regular file (a named pipe, socket or device); only regular files are read");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            MemorySegment bytes = size == 0 ? MemorySegment.NULL : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new Source(file, bytes, size).model();
        }
    }

    /** Bounds-checked little-endian reads from the mapped file; every refusal names the byte. */
    private static final class Source {
        private final Path file;
        private final MemorySegment bytes;
        /** Bytes before the checksum. */
        private final long end;
        private long at;

        Source(Path file, MemorySegment bytes, long size) throws FormatException {
            this.file = file;
            this.bytes = bytes;
            if (size < MAGIC.length) {
                throw FormatException.atByte(file, 0, "too short to be a deeptensor model file (" + size + " bytes)");
            }
            for (int i = 0; i < MAGIC.length; i++) {
                if (bytes.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                    throw FormatException.atByte(file, i, "not a deeptensor model file (the magic \"DTMODEL\\0\" is missing)");
                }
            }
            if (size < MAGIC.length + 4 + 4) {
                throw FormatException.atByte(file, size, "truncated: " + size + " bytes end before the version and the checksum");
            }
            int version = bytes.get(U32, MAGIC.length);
            if (version != VERSION) {
                throw FormatException.atByte(file, MAGIC.length, version > VERSION
                        ? "written by a newer deeptensor (model format version " + Integer.toUnsignedString(version) + "); this version reads version " + VERSION
                        : "model format version " + version + " is not supported (this version reads version " + VERSION + ")");
            }
            this.end = size - 4;
            int stored = bytes.get(U32, end);
            CRC32C checksum = new CRC32C();
            for (long from = 0; from < end; from += 1 << 30) {
                checksum.update(bytes.asSlice(from, Math.min(1L << 30, end - from)).asByteBuffer());
            }
            int computed = (int) checksum.getValue();
            if (stored != computed) {
                throw FormatException.atByte(file, end, String.format("checksum mismatch (CRC32C stored %08x, computed %08x): the file is corrupt"
                        + " or was cut short", stored, computed));
            }
            this.at = MAGIC.length + 4;
        }

        private void need(long count, String what) throws FormatException {
            if (count < 0 || count > end - at) {
                throw FormatException.atByte(file, at, "truncated: " + what + " needs " + count + " bytes, " + (end - at) + " remain");
            }
        }

        private FormatException bad(long offset, String problem) {
            return FormatException.atByte(file, offset, problem);
        }

        int u8(String what) throws FormatException {
            need(1, what);
            return bytes.get(ValueLayout.JAVA_BYTE, at++) & 0xFF;
        }

        int i32(String what) throws FormatException {
            need(4, what);
            int value = bytes.get(U32, at);
            at += 4;
            return value;
        }

        int u32(String what, int max) throws FormatException {
            long start = at;
            int value = i32(what);
            if (value < 0 || value > max) {
                throw bad(start, what + " is " + Integer.toUnsignedString(value) + ", outside 0…" + max);
            }
            return value;
        }

        long u64(String what) throws FormatException {
            need(8, what);
            long value = bytes.get(U64, at);
            at += 8;
            return value;
        }

        double finite(String what) throws FormatException {
            need(8, what);
            double value = bytes.get(F64, at);
            if (!Double.isFinite(value)) {
                throw bad(at, what + " is " + value + "; every value must be finite");
            }
            at += 8;
            return value;
        }

        double[] finites(long count, String what) throws FormatException {
            need(count * Double.BYTES, what); // count < 2³¹: no overflow
            double[] values = new double[Math.toIntExact(count)];
            for (int i = 0; i < values.length; i++) {
                values[i] = finite(what + " value " + i);
            }
            return values;
        }

        CompletionModel model() throws FormatException {
            long orderAt = at;
            int order = u32("the order", MAX_ORDER);
            if (order < 1) {
                throw bad(orderAt, "the order is 0; a model has at least one mode");
            }
            int[] dims = new int[order];
            for (int n = 0; n < order; n++) {
                long dimAt = at;
                dims[n] = u32("the size of mode " + n, Integer.MAX_VALUE);
                if (dims[n] < 1) {
                    throw bad(dimAt, "mode " + n + " has size 0");
                }
            }
            Shape shape;
            try {
                shape = Shape.of(dims);
            } catch (IllegalArgumentException tooLarge) {
                throw bad(orderAt, tooLarge.getMessage());
            }
            long scaleAt = at;
            double scale = finite("the scale");
            if (!(scale > 0)) {
                throw bad(scaleAt, "the scale is " + scale + "; it must be positive");
            }
            double constant = finite("the constant");
            int length = u32("the description's length", MAX_DESCRIPTION);
            need(length, "the description");
            String description = new String(bytes.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            at += length;
            double[][] effects = new double[order][];
            for (int n = 0; n < order; n++) {
                long flagAt = at;
                int present = u8("the mode-" + n + " effects flag");
                if (present > 1) {
                    throw bad(flagAt, "the mode-" + n + " effects flag is " + present + ", not 0 or 1");
                }
                if (present == 1) {
                    effects[n] = finites(dims[n], "the mode-" + n + " effects");
                }
            }
            long tableAt = at;
            int tableMode = i32("the table's mode");
            if (tableMode < -1 || tableMode >= order) {
                throw bad(tableAt, "the table's left-out mode is " + tableMode + ", not −1 or a mode of " + shape);
            }
            double[] table = null;
            if (tableMode >= 0) {
                long cells = shape.size() / dims[tableMode];
                if (cells > Integer.MAX_VALUE - 8) {
                    throw bad(tableAt, "a table of " + cells + " cells is too large");
                }
                table = finites(cells, "the table");
            }
            int count = u32("the number of factorizations", MAX_COMPONENTS);
            List<Factorization> components = new ArrayList<>();
            double[] weights = new double[count];
            try {
                for (int k = 0; k < count; k++) {
                    components.add(component(k, shape, weights));
                }
                if (at != end) {
                    throw bad(at, (end - at) + " unexpected bytes after the last factorization");
                }
                try {
                    return new CompletionModel(shape, scale, constant, effects, tableMode, table, components, weights, description);
                } catch (IllegalArgumentException inconsistent) {
                    throw bad(orderAt, inconsistent.getMessage());
                }
            } catch (FormatException | RuntimeException | Error failure) {
                components.forEach(Factorization::close);
                throw failure;
            }
        }

        private Factorization component(int k, Shape shape, double[] weights) throws FormatException {
            String name = "factorization " + k;
            long kindAt = at;
            int kindCode = u8(name + "'s kind");
            Factorization.Kind[] kinds = Factorization.Kind.values();
            if (kindCode >= kinds.length) {
                throw bad(kindAt, name + " has kind " + kindCode + "; known kinds are 0 (CP), 1 (Tucker) and 2 (tensor train)");
            }
            Factorization.Kind kind = kinds[kindCode];
            weights[k] = finite(name + "'s weight");
            long ranksAt = at;
            int rankCount = u32(name + "'s rank count", MAX_ORDER + 1);
            int[] ranks = new int[rankCount];
            for (int i = 0; i < rankCount; i++) {
                ranks[i] = u32(name + "'s rank " + i, Integer.MAX_VALUE);
            }
            long expected;
            try {
                expected = Factorization.valueCount(kind, shape, ranks);
            } catch (IllegalArgumentException | ArithmeticException wrong) {
                throw bad(ranksAt, name + ": " + wrong.getMessage());
            }
            long countAt = at;
            long declared = u64(name + "'s value count");
            if (declared != expected) {
                throw bad(countAt, name + " declares " + declared + " values; its kind, shape and ranks need " + expected);
            }
            need(expected * Double.BYTES, name + "'s values");
            long valuesAt = at;
            try (Tensor values = Tensor.zeros((int) expected)) {
                MemorySegment target = values.segment();
                MemorySegment.copy(bytes, F64, at, target, ValueLayout.JAVA_DOUBLE, 0, expected); // one bulk copy, swapped if need be
                for (long i = 0; i < expected; i++) {
                    double v = target.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
                    if (!Double.isFinite(v)) {
                        throw bad(at + i * Double.BYTES, name + "'s value " + i + " is " + v + "; every value must be finite");
                    }
                }
                at += expected * Double.BYTES;
                try {
                    return Factorization.of(kind, shape, ranks, values);
                } catch (IllegalArgumentException refused) {
                    throw bad(valuesAt, name + ": " + refused.getMessage());
                }
            }
        }
    }
}
