package deeptensor.io;

import deeptensor.tensor.Observations;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads and writes observed entries as CSV: one entry per line, {@code i,j,k,value} (any order of
 * at least 1 coordinate), with an optional header line. The first line that is neither blank nor a
 * comment is a header if any of its fields is not a number; it must have as many fields as the
 * entries. Spaces and tabs around fields are ignored; quotes are not understood (a quoted number is
 * not a number). Coordinates are 1-based by default, like FROSTT, so that a 0-based file fails
 * loudly on its first 0 instead of being shifted silently; read 0-based files with
 * {@link SparseOptions#withIndexBase(int) withIndexBase(0)}. Comments, the {@code # shape:}
 * comment, blank lines, shapes, duplicates and every refusal are as for {@link Tns}; in addition
 * an empty field (as from a trailing comma) is refused.
 */
final class CsvCoordinates {

    private CsvCoordinates() {
    }

    /** Reads a CSV coordinate file with the {@linkplain SparseOptions#defaults() default options}. */
    public static Observations read(Path file) throws IOException {
        return read(file, SparseOptions.defaults());
    }

    /**
     * Reads a CSV coordinate file.
     *
     * @throws FormatException if the content is not a valid sparse tensor under these options
     * @throws IOException if the file cannot be read
     */
    public static Observations read(Path file, SparseOptions options) throws IOException {
        return SparseText.read(file, SparseText.Syntax.CSV, options);
    }

    /** Writes observations as 1-based CSV; see {@link #write(Path, Observations, int)}. */
    public static void write(Path file, Observations observations) throws IOException {
        write(file, observations, 1);
    }

    /**
     * Writes observations as CSV: a {@code # shape:} comment, a header {@code i1,i2,...,value}, then
     * one line per entry with coordinates counted from {@code indexBase} (0 or 1). The target is
     * replaced atomically.
     */
    public static void write(Path file, Observations observations, int indexBase) throws IOException {
        SparseText.write(file, observations, SparseText.Syntax.CSV, indexBase);
    }
}
