package deeptensor.io;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The element types of {@code .npy} files that are read, each named by its NumPy {@code descr}
 * string. Every type is widened to {@code double} on read: integers exactly up to 2<sup>53</sup> in
 * magnitude, booleans as 0.0 and 1.0. Only {@link #F8_LE} is written.
 */
enum NpyDtype {
    /** Little-endian IEEE double ({@code <f8}). */
    F8_LE("<f8", 8, ByteOrder.LITTLE_ENDIAN, Kind.FLOAT),
    /** Big-endian IEEE double ({@code >f8}). */
    F8_BE(">f8", 8, ByteOrder.BIG_ENDIAN, Kind.FLOAT),
    /** Little-endian IEEE single ({@code <f4}). */
    F4_LE("<f4", 4, ByteOrder.LITTLE_ENDIAN, Kind.FLOAT),
    /** Big-endian IEEE single ({@code >f4}). */
    F4_BE(">f4", 4, ByteOrder.BIG_ENDIAN, Kind.FLOAT),
    /** Little-endian signed 32-bit integer ({@code <i4}). */
    I4_LE("<i4", 4, ByteOrder.LITTLE_ENDIAN, Kind.SIGNED),
    /** Big-endian signed 32-bit integer ({@code >i4}). */
    I4_BE(">i4", 4, ByteOrder.BIG_ENDIAN, Kind.SIGNED),
    /** Little-endian signed 64-bit integer ({@code <i8}). */
    I8_LE("<i8", 8, ByteOrder.LITTLE_ENDIAN, Kind.SIGNED),
    /** Big-endian signed 64-bit integer ({@code >i8}). */
    I8_BE(">i8", 8, ByteOrder.BIG_ENDIAN, Kind.SIGNED),
    /** Unsigned byte ({@code |u1}). */
    U1("|u1", 1, ByteOrder.LITTLE_ENDIAN, Kind.UNSIGNED),
    /** Boolean, one byte holding 0 or 1 ({@code |b1}). */
    B1("|b1", 1, ByteOrder.LITTLE_ENDIAN, Kind.BOOLEAN);

    /** How the bytes of an element are interpreted. */
    enum Kind { FLOAT, SIGNED, UNSIGNED, BOOLEAN }

    private final String descr;
    private final int itemSize;
    private final ByteOrder byteOrder;
    private final Kind kind;

    NpyDtype(String descr, int itemSize, ByteOrder byteOrder, Kind kind) {
        this.descr = descr;
        this.itemSize = itemSize;
        this.byteOrder = byteOrder;
        this.kind = kind;
    }

    /** The NumPy {@code descr} string, for example {@code <f8}. */
    public String descr() {
        return descr;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** Byte order of an element in the file (irrelevant, and little-endian, for one-byte types). */
    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** Whether this is the boolean type, the one a mask is stored in. */
    public boolean isBoolean() {
        return kind == Kind.BOOLEAN;
    }

    Kind kind() {
        return kind;
    }

    /** The type with this exact {@code descr} string, if it is one that is read. */
    public static Optional<NpyDtype> ofDescr(String descr) {
        for (NpyDtype dtype : values()) {
            if (dtype.descr.equals(descr)) {
                return Optional.of(dtype);
            }
        }
        return Optional.empty();
    }

    /** The supported {@code descr} strings, comma separated, for error messages. */
    static String supportedList() {
        return Arrays.stream(values()).map(NpyDtype::descr).collect(Collectors.joining(", "));
    }
}
