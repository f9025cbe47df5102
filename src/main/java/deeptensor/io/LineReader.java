package deeptensor.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Reads a text file line by line as raw bytes, with 1-based line numbers, without ever holding more
 * than one bounded line: a line longer than {@link Limits#MAX_LINE_BYTES} is refused as soon as
 * that many bytes have been seen, so a file without newlines cannot exhaust memory. Lines end at
 * {@code \n}, {@code \r\n} or a lone {@code \r} (old Mac files, which would otherwise run together
 * into one line); a UTF-8 byte order mark at the very start is skipped.
 */
final class LineReader implements AutoCloseable {

    private final Path file;
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private boolean atStart = true;
    private boolean ended;
    /** Whether the last line ended with \r, so that a following \n belongs to it. */
    private boolean afterReturn;
    private byte[] line = new byte[256];
    private int length;
    private long number;

    LineReader(Path file, InputStream in) {
        this.file = file;
        this.in = in;
    }

    /** Advances to the next line; false at the end of the file. */
    boolean next() throws IOException {
        if (ended) {
            return false;
        }
        length = 0;
        number++;
        boolean any = false;
        while (true) {
            if (position == limit && !fill()) {
                ended = true;
                if (!any) {
                    number--; // no line here: the file ended right after a line end
                }
                return any;
            }
            byte b = buffer[position++];
            if (afterReturn) {
                afterReturn = false;
                if (b == '\n') {
                    continue; // the second half of \r\n
                }
            }
            any = true;
            if (b == '\n') {
                return true;
            }
            if (b == '\r') {
                afterReturn = true;
                return true;
            }
            if (length == Limits.MAX_LINE_BYTES) {
                throw FormatException.atLine(file, number, "the line is longer than " + Limits.MAX_LINE_BYTES + " bytes");
            }
            if (length == line.length) {
                line = java.util.Arrays.copyOf(line, Math.min(line.length * 2, Limits.MAX_LINE_BYTES));
            }
            line[length++] = b;
        }
    }

    private boolean fill() throws IOException {
        int read = in.read(buffer, 0, buffer.length);
        if (read <= 0) {
            return false;
        }
        position = 0;
        limit = read;
        if (atStart) {
            atStart = false;
            if (read >= 3 && (buffer[0] & 0xFF) == 0xEF && (buffer[1] & 0xFF) == 0xBB && (buffer[2] & 0xFF) == 0xBF) {
                position = 3;
            }
        }
        return true;
    }

    /** The current line's bytes, valid in {@code [0, length())} until the next call to {@link #next()}. */
    byte[] bytes() {
        return line;
    }

    /** Length of the current line, without its line end. */
    int length() {
        return length;
    }

    /** 1-based number of the current line. */
    long number() {
        return number;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
