package deeptensor.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A file's content is not what its format allows: the message names the file, where the problem
 * is (a byte offset for binary formats, a 1-based line for text formats) and what it is, on one
 * line, for example {@code data.npy: byte 8: header length 4294967295 goes past the end of the file}.
 *
 * <p>A checked exception and a subclass of {@link IOException}: code that reads files already
 * handles {@code IOException}, so a bad file cannot slip through as an unexpected runtime error;
 * catch {@code FormatException} first to tell bad content (the user's data) from a file that could
 * not be read at all (missing, unreadable, a failing disk).
 */
public final class FormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Where in the file the problem is. */
    private enum Position { BYTE, LINE, FILE }

    private final transient Path file;
    private final Position position;
    private final long where;
    private final String problem;

    private FormatException(Path file, Position position, long where, String problem, Throwable cause) {
        super(message(file, position, where, problem), cause);
        this.file = file;
        this.position = position;
        this.where = where;
        this.problem = problem;
    }

    private static String message(Path file, Position position, long where, String problem) {
        String name = String.valueOf(Objects.requireNonNull(file, "file"));
        return switch (position) {
            case BYTE -> name + ": byte " + where + ": " + problem;
            case LINE -> name + ": line " + where + ": " + problem;
            case FILE -> name + ": " + problem;
        };
    }

    /** A problem at a byte offset (0-based, from the start of the file). */
    public static FormatException atByte(Path file, long offset, String problem) {
        return new FormatException(file, Position.BYTE, offset, problem, null);
    }

    /** A problem at a byte offset, caused by another exception (kept as the cause). */
    static FormatException atByte(Path file, long offset, String problem, Throwable cause) {
        return new FormatException(file, Position.BYTE, offset, problem, cause);
    }

    /** A problem on a line (1-based). */
    public static FormatException atLine(Path file, long line, String problem) {
        return new FormatException(file, Position.LINE, line, problem, null);
    }

    /** A problem on a line (1-based), caused by another exception (kept as the cause). */
    static FormatException atLine(Path file, long line, String problem, Throwable cause) {
        return new FormatException(file, Position.LINE, line, problem, cause);
    }

    /**
     * A problem with the file as a whole, where no single position is to blame (an unknown
     * extension, a text file without a single entry).
     */
    public static FormatException ofFile(Path file, String problem) {
        return new FormatException(file, Position.FILE, -1, problem, null);
    }

    /** The file whose content is bad, as the caller named it. */
    public Path file() {
        return file;
    }

    /** The 0-based byte offset of the problem, if it was located by byte. */
    public OptionalLong byteOffset() {
        return position == Position.BYTE ? OptionalLong.of(where) : OptionalLong.empty();
    }

    /** The 1-based line of the problem, if it was located by line. */
    public OptionalLong line() {
        return position == Position.LINE ? OptionalLong.of(where) : OptionalLong.empty();
    }

    /** The problem alone, without the file and position. */
    public String problem() {
        return problem;
    }
}
