package deeptensor.io;

import deeptensor.tensor.Observations;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads and writes FROSTT {@code .tns} files: the observed entries of a sparse tensor, one per
 * line, as 1-based coordinates followed by the value, separated by any whitespace. Lines whose
 * first non-blank character is {@code #} are comments (and {@code #} ends the data of any line);
 * blank lines are skipped. A comment {@code # shape: d1 d2 ...} before the first entry gives the
 * shape (this project's writers add it, other tools see a comment); otherwise the shape is given by
 * {@link SparseOptions#withShape} or inferred as the largest coordinate in each mode.
 *
 * <p>Refused, with a {@link FormatException} naming the file, the line and the problem: an empty
 * file or one without entries, lines with fewer than two fields, more than 33 fields or a number of
 * fields unlike the first entry's, coordinates that are not integers, zero (when 1-based),
 * negative, larger than the shape or than 2<sup>31</sup>−1, values that are not finite decimal
 * numbers, repeated coordinates (unless {@link Duplicates#SUM} or {@link Duplicates#LAST_WINS} is
 * chosen), lines longer than 64 KiB.
 */
final class Tns {

    private Tns() {
    }

    /** Reads a {@code .tns} file with the {@linkplain SparseOptions#defaults() default options}. */
    public static Observations read(Path file) throws IOException {
        return read(file, SparseOptions.defaults());
    }

    /**
     * Reads a {@code .tns} file.
     *
     * @throws FormatException if the content is not a valid sparse tensor under these options
     * @throws IOException if the file cannot be read
     */
    public static Observations read(Path file, SparseOptions options) throws IOException {
        return SparseText.read(file, SparseText.Syntax.TNS, options);
    }

    /**
     * Writes observations as a {@code .tns} file: a {@code # shape:} comment, then one line per
     * entry in entry order, 1-based coordinates and the value separated by single spaces, values in
     * the shortest decimal form that reads back to the same {@code double}. The target is replaced
     * atomically.
     */
    public static void write(Path file, Observations observations) throws IOException {
        SparseText.write(file, observations, SparseText.Syntax.TNS, 1);
    }
}
