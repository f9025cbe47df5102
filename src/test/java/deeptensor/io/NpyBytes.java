package deeptensor.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds {@code .npy} files byte by byte for tests, independently of {@link Npy}'s writer, so that
 * the reader is checked against a second encoder: any dtype, order and format version, or a raw
 * header text for hostile cases.
 */
final class NpyBytes {

    private NpyBytes() {
    }

    /** A file with the given version, raw header text (written as is) and data bytes. */
    static byte[] raw(int major, String headerText, byte[] data) {
        byte[] header = headerText.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int lengthBytes = major == 1 ? 2 : 4;
        ByteBuffer buffer = ByteBuffer.allocate(8 + lengthBytes + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) major).put((byte) 0);
        if (lengthBytes == 2) {
            buffer.putShort((short) header.length);
        } else {
            buffer.putInt(header.length);
        }
        return buffer.put(header).put(data).array();
    }

    /** The header dictionary as NumPy writes it, padded to a 64-byte boundary, ended by a newline. */
    static String header(int major, String descr, boolean fortran, int... shape) {
        StringBuilder dims = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            dims.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        dims.append(shape.length == 1 ? ",)" : ")");
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
                + ", 'shape': " + dims + ", }";
        int preamble = major == 1 ? 10 : 12;
        int padding = (64 - (preamble + dict.length() + 1) % 64) % 64;
        return dict + " ".repeat(padding) + "\n";
    }

    /** A valid file holding {@code cValues} (row-major) with the given type, order and version. */
    static byte[] file(int major, NpyDtype dtype, boolean fortran, int[] shape, double[] cValues) {
        return raw(major, header(major, dtype.descr(), fortran, shape), data(dtype, fortran, shape, cValues));
    }

    /** Encodes row-major values in the dtype, laid out in C or Fortran order. */
    static byte[] data(NpyDtype dtype, boolean fortran, int[] shape, double[] cValues) {
        ByteBuffer buffer = ByteBuffer.allocate(cValues.length * dtype.itemSize()).order(dtype.byteOrder());
        int[] index = new int[shape.length];
        for (int k = 0; k < cValues.length; k++) {
            double value = cValues[fortran ? cOffsetOfFortranPosition(shape, k, index) : k];
            switch (dtype) {
                case F8_LE, F8_BE -> buffer.putDouble(value);
                case F4_LE, F4_BE -> buffer.putFloat((float) value);
                case I4_LE, I4_BE -> buffer.putInt((int) value);
                case I8_LE, I8_BE -> buffer.putLong((long) value);
                case U1, B1 -> buffer.put((byte) value);
            }
        }
        return buffer.array();
    }

    /** The row-major offset of the element stored at position {@code k} of a column-major layout. */
    private static int cOffsetOfFortranPosition(int[] shape, int k, int[] index) {
        int rest = k;
        for (int mode = 0; mode < shape.length; mode++) {
            index[mode] = rest % shape[mode];
            rest /= shape[mode];
        }
        int offset = 0;
        for (int mode = 0; mode < shape.length; mode++) {
            offset = offset * shape[mode] + index[mode];
        }
        return offset;
    }

    /** Values every dtype holds exactly: small integers, or 0 and 1 for booleans. */
    static double[] exactValues(NpyDtype dtype, int count, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = switch (dtype) {
                case B1 -> random.nextInt(2);
                case U1 -> random.nextInt(256);
                case F4_LE, F4_BE -> (float) random.nextGaussian();
                case F8_LE, F8_BE -> random.nextGaussian();
                default -> random.nextInt(-100_000, 100_000);
            };
        }
        return values;
    }

    static Path write(Path directory, String name, byte[] bytes) throws IOException {
        Path file = directory.resolve(name);
        Files.write(file, bytes);
        return file;
    }
}
