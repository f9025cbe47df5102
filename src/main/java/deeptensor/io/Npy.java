package deeptensor.io;

import deeptensor.internal.AtomicFiles;

import deeptensor.io.PythonLiteral.Bool;
import deeptensor.io.PythonLiteral.Dict;
import deeptensor.io.PythonLiteral.Entry;
import deeptensor.io.PythonLiteral.Int;
import deeptensor.io.PythonLiteral.Sequence;
import deeptensor.io.PythonLiteral.Str;
import deeptensor.io.PythonLiteral.Value;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0).
 *
 * <h2>Reading</h2>
 * The header is parsed as a Python literal dictionary with exactly the keys {@code descr},
 * {@code fortran_order} and {@code shape}, in any order. The element types of {@link NpyDtype} are
 * read and widened to {@code double}; Fortran-order data is reordered into the row-major layout of
 * {@link Tensor}; NaN elements stay NaN (they mark missing entries). Every check that needs no data
 * is made before any tensor memory is allocated: the header's syntax and keys, the dtype, each
 * dimension, the element count (against overflow), the data length (against the file's length,
 * exactly) and finally the byte size (against the machine's memory). The data is then streamed in
 * fixed-size chunks straight into the tensor's off-heap memory: no copy of the whole array is ever
 * made on the Java heap.
 *
 * <h2>Writing</h2>
 * {@link #write} writes format 1.0, {@code <f8}, C order, with the header padded so that the data
 * starts at a multiple of 64 bytes (as NumPy does), through a temporary file that is renamed over
 * the target, so a crash never leaves a partial file.
 *
 * <p>Every bad file is refused with a {@link FormatException} naming the file, the byte offset and
 * the problem; {@code docs/formats.md} lists what is accepted and refused.
 */
final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Bytes per read or write chunk: a multiple of every item size, small enough to stay in cache. */
    private static final int CHUNK_BYTES = 1 << 16;
    private static final ValueLayout.OfDouble LITTLE_DOUBLE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Npy() {
    }

    // ------------------------------------------------------------------------------------ reading

    /**
     * Reads and checks the header of a {@code .npy} file, including that the file holds exactly the
     * data the header declares; reads no data.
     *
     * @throws FormatException if the file is not a valid {@code .npy} file of a supported dtype
     * @throws IOException if the file cannot be read
     */
    public static NpyHeader readHeader(Path file) throws IOException {
        RegularFiles.require(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(file, channel);
        }
    }

    /**
     * Reads a {@code .npy} file into a new row-major tensor (the caller closes it). Integer and
     * boolean elements are widened to {@code double}; NaN elements are kept.
     *
     * @throws FormatException if the file is not a valid {@code .npy} file of a supported dtype, or
     *     its array is larger than this machine can hold
     * @throws IOException if the file cannot be read
     */
    public static Tensor read(Path file) throws IOException {
        RegularFiles.require(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return readData(file, channel, readHeader(file, channel));
        }
    }

    /**
     * Reads a boolean ({@code |b1}) {@code .npy} file as a mask: a new tensor holding 1.0 where the
     * file holds {@code True} (observed) and 0.0 where it holds {@code False}.
     *
     * @throws FormatException if the file is not a valid {@code .npy} file or its dtype is not
     *     {@code |b1}
     * @throws IOException if the file cannot be read
     */
    public static Tensor readMask(Path file) throws IOException {
        RegularFiles.require(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader header = readHeader(file, channel);
            if (!header.dtype().isBoolean()) {
                throw FormatException.atByte(file, headerStart(header.majorVersion()), "a mask must have dtype "
                        + NpyDtype.B1.descr() + ", but this file has " + header.dtype().descr());
            }
            return readData(file, channel, header);
        }
    }

    /** Reads the header and the data from one open file (the header once). */
    static TensorFile.Dense readDense(Path file) throws IOException {
        RegularFiles.require(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader header = readHeader(file, channel);
            return new TensorFile.Dense(file, header, readData(file, channel, header));
        }
    }

    static NpyHeader readHeader(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            throw FormatException.atByte(file, 0, "the file is empty, not a .npy array");
        }
        byte[] start = readBytes(file, channel, 0, (int) Math.min(size, 12));
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= start.length) {
                throw FormatException.atByte(file, i, "the file ends after " + size
                        + " bytes, inside the magic string \\x93NUMPY");
            }
            if (start[i] != MAGIC[i]) {
                throw FormatException.atByte(file, 0, "not a .npy file: it starts with " + hex(start, 6)
                        + " instead of the magic string \\x93NUMPY");
            }
        }
        if (size < 8) {
            throw FormatException.atByte(file, size, "the file ends before the format version");
        }
        int major = start[6] & 0xFF;
        int minor = start[7] & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw FormatException.atByte(file, 6, "unsupported .npy format version " + major + "." + minor
                    + "; versions 1.0, 2.0 and 3.0 are read");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        int preamble = headerStart(major);
        if (size < preamble) {
            throw FormatException.atByte(file, size, "the file ends inside the " + lengthBytes
                    + "-byte header length field");
        }
        long headerLength = (start[8] & 0xFFL) | (start[9] & 0xFFL) << 8;
        if (lengthBytes == 4) {
            headerLength |= (start[10] & 0xFFL) << 16 | (start[11] & 0xFFL) << 24;
        }
        if (headerLength > size - preamble) {
            throw FormatException.atByte(file, 8, "header length " + headerLength + " goes past the end of the file ("
                    + size + " bytes, so at most " + (size - preamble) + " header bytes)");
        }
        if (headerLength > Limits.MAX_NPY_HEADER_BYTES) {
            throw FormatException.atByte(file, 8, "header length " + headerLength + " is more than the "
                    + Limits.MAX_NPY_HEADER_BYTES + " bytes accepted");
        }
        byte[] headerBytes = readBytes(file, channel, preamble, (int) headerLength);
        Value literal = PythonLiteral.parse(file, headerBytes, preamble, major == 3);
        long dataOffset = preamble + headerLength;
        NpyHeader header = interpret(file, literal, major, dataOffset);
        long declared = header.dataBytes();
        long present = size - dataOffset;
        if (present < declared) {
            throw FormatException.atByte(file, size, "the data ends after " + present + " bytes, but shape "
                    + header.shape() + " of " + header.dtype().descr() + " needs " + declared + " bytes");
        }
        if (present > declared) {
            throw FormatException.atByte(file, dataOffset + declared, (present - declared)
                    + " bytes follow the data of shape " + header.shape() + " of " + header.dtype().descr()
                    + " (" + declared + " bytes)");
        }
        return header;
    }

    private static int headerStart(int major) {
        return major == 1 ? 10 : 12;
    }

    /** Checks the header dictionary's keys and values. */
    private static NpyHeader interpret(Path file, Value literal, int major, long dataOffset) throws FormatException {
        if (!(literal instanceof Dict dict)) {
            throw FormatException.atByte(file, literal.offset(), "the header is " + PythonLiteral.kindOf(literal)
                    + ", not a dictionary");
        }
        Value descr = null;
        Value fortran = null;
        Value shape = null;
        for (Entry entry : dict.entries()) {
            if (!(entry.key() instanceof Str key)) {
                throw FormatException.atByte(file, entry.key().offset(), "a header key is "
                        + PythonLiteral.kindOf(entry.key()) + ", not a string");
            }
            Value previous = switch (key.text()) {
                case "descr" -> descr;
                case "fortran_order" -> fortran;
                case "shape" -> shape;
                default -> throw FormatException.atByte(file, key.offset(), "unknown header key '"
                        + PythonLiteral.shorten(key.text()) + "'; the keys are 'descr', 'fortran_order' and 'shape'");
            };
            if (previous != null) {
                throw FormatException.atByte(file, key.offset(), "header key '" + key.text() + "' appears twice");
            }
            switch (key.text()) {
                case "descr" -> descr = entry.value();
                case "fortran_order" -> fortran = entry.value();
                default -> shape = entry.value();
            }
        }
        requireKey(file, dict, descr, "descr");
        requireKey(file, dict, fortran, "fortran_order");
        requireKey(file, dict, shape, "shape");
        return new NpyHeader(major, dtype(file, descr), fortranOrder(file, fortran), shape(file, shape), dataOffset);
    }

    private static void requireKey(Path file, Dict dict, Value value, String key) throws FormatException {
        if (value == null) {
            throw FormatException.atByte(file, dict.offset(), "the header has no '" + key + "' key");
        }
    }

    private static NpyDtype dtype(Path file, Value descr) throws FormatException {
        if (descr instanceof Sequence) {
            throw FormatException.atByte(file, descr.offset(), "structured dtypes ('descr' is "
                    + PythonLiteral.kindOf(descr) + ") are not supported; supported: " + NpyDtype.supportedList());
        }
        if (!(descr instanceof Str text)) {
            throw FormatException.atByte(file, descr.offset(), "'descr' is " + PythonLiteral.kindOf(descr)
                    + ", not a dtype string");
        }
        return NpyDtype.ofDescr(text.text()).orElseThrow(() -> FormatException.atByte(file, descr.offset(),
                "dtype '" + PythonLiteral.shorten(text.text()) + "' is not supported; supported: "
                        + NpyDtype.supportedList()));
    }

    private static boolean fortranOrder(Path file, Value fortran) throws FormatException {
        if (!(fortran instanceof Bool flag)) {
            throw FormatException.atByte(file, fortran.offset(), "'fortran_order' is " + PythonLiteral.kindOf(fortran)
                    + ", not True or False");
        }
        return flag.value();
    }

    private static Shape shape(Path file, Value shape) throws FormatException {
        if (!(shape instanceof Sequence sequence) || !sequence.tuple()) {
            throw FormatException.atByte(file, shape.offset(), "'shape' is " + PythonLiteral.kindOf(shape)
                    + ", not a tuple");
        }
        int order = sequence.items().size();
        if (order > Limits.MAX_ORDER) {
            throw FormatException.atByte(file, shape.offset(), "the shape has " + order + " dimensions; at most "
                    + Limits.MAX_ORDER + " are accepted");
        }
        int[] dims = new int[order];
        for (int mode = 0; mode < order; mode++) {
            Value item = sequence.items().get(mode);
            if (!(item instanceof Int dim)) {
                throw FormatException.atByte(file, item.offset(), "dimension " + mode + " of the shape is "
                        + PythonLiteral.kindOf(item) + ", not an integer");
            }
            if (dim.value().signum() < 0) {
                throw FormatException.atByte(file, item.offset(), "dimension " + mode + " of the shape is negative ("
                        + PythonLiteral.shorten(dim.value().toString()) + ")");
            }
            if (dim.value().compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
                throw FormatException.atByte(file, item.offset(), "dimension " + mode + " of the shape is "
                        + PythonLiteral.shorten(dim.value().toString()) + ", more than the " + Integer.MAX_VALUE
                        + " a mode may have");
            }
            dims[mode] = dim.value().intValue();
        }
        try {
            return Shape.of(dims);
        } catch (IllegalArgumentException overflow) {
            throw FormatException.atByte(file, shape.offset(), overflow.getMessage(), overflow);
        }
    }

    /** Allocates the tensor (after the header's checks) and streams the data into it. */
    private static Tensor readData(Path file, FileChannel channel, NpyHeader header) throws IOException {
        Tensor tensor;
        try {
            tensor = Tensor.zeros(header.shape());
        } catch (IllegalArgumentException refused) {
            throw FormatException.atByte(file, headerStart(header.majorVersion()), "the array cannot be held: "
                    + refused.getMessage(), refused);
        }
        boolean complete = false;
        try {
            streamInto(file, channel, header, tensor.segment());
            complete = true;
            return tensor;
        } finally {
            if (!complete) {
                tensor.close();
            }
        }
    }

    private static void streamInto(Path file, FileChannel channel, NpyHeader header, MemorySegment target)
            throws IOException {
        long count = header.shape().size();
        NpyDtype dtype = header.dtype();
        int item = dtype.itemSize();
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(1, count * item)))
                .order(dtype.byteOrder());
        double[] values = new double[chunk.capacity() / item];
        FortranWalk walk = header.fortranOrder() && header.shape().order() > 1 ? new FortranWalk(header.shape()) : null;
        long position = header.dataOffset();
        long done = 0;
        while (done < count) {
            int n = (int) Math.min(count - done, values.length);
            chunk.clear().limit(n * item);
            readFully(file, channel, chunk, position);
            chunk.flip();
            decode(file, dtype, chunk, values, n, position);
            if (walk == null) {
                MemorySegment.copy(values, 0, target, ValueLayout.JAVA_DOUBLE, done * Double.BYTES, n);
            } else {
                for (int i = 0; i < n; i++) {
                    target.setAtIndex(ValueLayout.JAVA_DOUBLE, walk.next(), values[i]);
                }
            }
            position += (long) n * item;
            done += n;
        }
    }

    /** Widens {@code n} elements of {@code chunk} (in the file's byte order) to doubles. */
    private static void decode(Path file, NpyDtype dtype, ByteBuffer chunk, double[] values, int n, long position)
            throws FormatException {
        switch (dtype.kind()) {
            case FLOAT -> {
                if (dtype.itemSize() == 8) {
                    chunk.asDoubleBuffer().get(values, 0, n);
                } else {
                    var floats = chunk.asFloatBuffer();
                    for (int i = 0; i < n; i++) {
                        values[i] = floats.get(i);
                    }
                }
            }
            case SIGNED -> {
                if (dtype.itemSize() == 8) {
                    var longs = chunk.asLongBuffer();
                    for (int i = 0; i < n; i++) {
                        values[i] = longs.get(i);
                    }
                } else {
                    var ints = chunk.asIntBuffer();
                    for (int i = 0; i < n; i++) {
                        values[i] = ints.get(i);
                    }
                }
            }
            case UNSIGNED -> {
                for (int i = 0; i < n; i++) {
                    values[i] = chunk.get(i) & 0xFF;
                }
            }
            case BOOLEAN -> {
                for (int i = 0; i < n; i++) {
                    int b = chunk.get(i) & 0xFF;
                    if (b > 1) {
                        throw FormatException.atByte(file, position + i, String.format(
                                "a boolean element holds byte 0x%02x; booleans are 0 or 1", b));
                    }
                    values[i] = b;
                }
            }
        }
    }

    /**
     * Row-major offsets of the elements of a column-major array, in file order: the first index
     * runs fastest. Amortized constant work per element.
     */
    private static final class FortranWalk {
        private final int[] dims;
        private final long[] strides;
        private final int[] index;
        private long offset;

        FortranWalk(Shape shape) {
            dims = shape.dims();
            strides = new long[dims.length];
            for (int mode = 0; mode < dims.length; mode++) {
                strides[mode] = shape.stride(mode);
            }
            index = new int[dims.length];
        }

        long next() {
            long current = offset;
            for (int mode = 0; mode < dims.length; mode++) {
                index[mode]++;
                offset += strides[mode];
                if (index[mode] < dims[mode]) {
                    break;
                }
                offset -= dims[mode] * strides[mode];
                index[mode] = 0;
            }
            return current;
        }
    }

    private static byte[] readBytes(Path file, FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        readFully(file, channel, buffer, position);
        return buffer.array();
    }

    /** Fills {@code buffer} from {@code position}; a file that shrank meanwhile is a format error. */
    private static void readFully(Path file, FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        int start = buffer.position();
        while (buffer.hasRemaining()) {
            long at = position + buffer.position() - start;
            if (channel.read(buffer, at) < 0) {
                throw FormatException.atByte(file, at, "the file ends early (it shrank while it was read)");
            }
        }
    }

    private static String hex(byte[] bytes, int max) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, max); i++) {
            text.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xFF));
        }
        return text.toString();
    }

    // ------------------------------------------------------------------------------------ writing

    /**
     * Writes a tensor as a {@code .npy} file: format 1.0, dtype {@code <f8}, C order (NaN elements
     * are written as NaN). The target is replaced atomically: a temporary file in the same directory
     * is written, forced to disk and renamed over it.
     *
     * @throws IllegalArgumentException if the tensor has more than 32 modes (NumPy 1.x cannot read it)
     * @throws IOException if the file cannot be written; the target is then unchanged
     */
    public static void write(Path file, Tensor tensor) throws IOException {
        Shape shape = tensor.shape();
        if (shape.order() > Limits.MAX_ORDER) {
            throw new IllegalArgumentException("cannot write a tensor of order " + shape.order() + " to " + file
                    + ": .npy files are read with at most " + Limits.MAX_ORDER + " dimensions");
        }
        byte[] header = header(shape);
        MemorySegment source = tensor.segment();
        AtomicFiles.replace(file, channel -> {
            AtomicFiles.writeFully(channel, ByteBuffer.wrap(header));
            byte[] bytes = new byte[(int) Math.min(CHUNK_BYTES, Math.max(Double.BYTES, source.byteSize()))];
            MemorySegment staging = MemorySegment.ofArray(bytes);
            long count = shape.size();
            for (long done = 0; done < count; ) {
                int n = (int) Math.min(count - done, bytes.length / Double.BYTES);
                MemorySegment.copy(source, ValueLayout.JAVA_DOUBLE, done * Double.BYTES, staging, LITTLE_DOUBLE, 0, n);
                AtomicFiles.writeFully(channel, ByteBuffer.wrap(bytes, 0, n * Double.BYTES));
                done += n;
            }
        });
    }

    /**
     * The magic, version 1.0, length and header dictionary, padded with spaces and ended with a
     * newline so that the data starts at a multiple of 64 bytes.
     */
    static byte[] header(Shape shape) {
        StringBuilder dims = new StringBuilder("(");
        for (int mode = 0; mode < shape.order(); mode++) {
            dims.append(mode == 0 ? "" : ", ").append(shape.dim(mode));
        }
        dims.append(shape.order() == 1 ? ",)" : ")");
        String dict = "{'descr': '" + NpyDtype.F8_LE.descr() + "', 'fortran_order': False, 'shape': " + dims + ", }";
        int unpadded = MAGIC.length + 4 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String text = dict + " ".repeat(padding) + "\n";
        byte[] textBytes = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 4 + textBytes.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) textBytes.length).put(textBytes);
        return buffer.array();
    }
}
