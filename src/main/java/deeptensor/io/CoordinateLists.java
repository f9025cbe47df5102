package deeptensor.io;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Lists of entries to predict at, read into {@link Coordinates} of a known shape. Unlike
 * observations, a list may name an entry more than once and carries no values.
 * <ul>
 *   <li>{@code .npy}: an integer (or integral floating-point) array of shape {@code m × N}, one
 *       row per entry, indexes counted from 0 as in NumPy.</li>
 *   <li>{@code .tns}, {@code .csv}: one entry per line, {@code N} indexes separated by spaces, tabs
 *       or commas, counted from the index base (1 by default, as FROSTT files; 0 with
 *       {@code indexBase 0}); an {@code N+1}-th field (a value column, as in a file of observed
 *       entries) is allowed and ignored. Blank lines and lines starting with {@code #} are skipped;
 *       the first other line of a {@code .csv} may be a header (any field not a number).</li>
 * </ul>
 * Errors are {@link FormatException}s naming the file and the line (or byte). Lines are bounded in
 * length; memory grows with the number of entries only.
 */
final class CoordinateLists {

    private CoordinateLists() {
    }

    /** Reads the entries of {@code file} for a tensor of {@code shape}. */
    public static Coordinates read(Path file, Shape shape, int indexBase) throws IOException {
        if (indexBase != 0 && indexBase != 1) {
            throw new IllegalArgumentException("the index base must be 0 or 1, got " + indexBase);
        }
        RegularFiles.require(file);
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) {
            return readNpy(file, shape);
        }
        if (name.endsWith(".tns") || name.endsWith(".csv")) {
            return readText(file, shape, indexBase, name.endsWith(".csv"));
        }
        throw FormatException.ofFile(file, "an entry list must be a .npy, .tns or .csv file");
    }

    private static Coordinates readNpy(Path file, Shape shape) throws IOException {
        int order = shape.order();
        try (Tensor rows = Npy.read(file)) {
            if (rows.order() != 2 || rows.dim(1) != order) {
                throw FormatException.ofFile(file, "an entry list in .npy must be an m × " + order + " array of indexes, got shape " + rows.shape());
            }
            int m = rows.dim(0);
            int[] flat = new int[Math.multiplyExact(m, order)];
            for (int e = 0; e < m; e++) {
                for (int n = 0; n < order; n++) {
                    double v = rows.get(e, n);
                    if (v != Math.rint(v) || v < 0 || v >= shape.dim(n)) {
                        throw FormatException.ofFile(file, "row " + e + ", column " + n + ": " + v + " is not an index of mode " + n
                                + " (0 to " + (shape.dim(n) - 1) + ", counted from 0)");
                    }
                    flat[e * order + n] = (int) v;
                }
            }
            return Coordinates.of(shape, flat);
        }
    }

    private static Coordinates readText(Path file, Shape shape, int indexBase, boolean csv) throws IOException {
        int order = shape.order();
        int[] flat = new int[Math.max(16, order * 64)];
        int count = 0;
        boolean first = true;
        try (InputStream in = Files.newInputStream(file); LineReader lines = new LineReader(file, in)) {
            while (lines.next()) {
                String line = new String(lines.bytes(), 0, lines.length(), StandardCharsets.UTF_8).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("[\\s,]+");
                boolean header = csv && first && Arrays.stream(fields).anyMatch(f -> !f.matches("[-+]?[0-9.eE+-]+"));
                first = false;
                if (header) {
                    continue;
                }
                if (fields.length != order && fields.length != order + 1) {
                    throw FormatException.atLine(file, lines.number(), fields.length + " fields; an entry of a tensor of order " + order
                            + " has " + order + " indexes (and optionally a value, ignored)");
                }
                if (count + order > flat.length) {
                    flat = Arrays.copyOf(flat, Math.toIntExact(Math.min((long) flat.length * 2, Integer.MAX_VALUE - 8)));
                    if (count + order > flat.length) {
                        throw FormatException.atLine(file, lines.number(), "too many entries for one list");
                    }
                }
                for (int n = 0; n < order; n++) {
                    long index;
                    try {
                        index = Long.parseLong(fields[n]);
                    } catch (NumberFormatException notAnInteger) {
                        throw FormatException.atLine(file, lines.number(), "field " + (n + 1) + " '" + shorten(fields[n]) + "' is not a whole number");
                    }
                    long zeroBased = index - indexBase;
                    if (zeroBased < 0 || zeroBased >= shape.dim(n)) {
                        String hint = indexBase == 1 && index == 0 ? "; indexes count from 1 here (--index-base 0 for a file counted from 0)" : "";
                        throw FormatException.atLine(file, lines.number(), "index " + index + " in field " + (n + 1) + " is outside mode " + n
                                + " (" + indexBase + " to " + (shape.dim(n) - 1 + indexBase) + ")" + hint);
                    }
                    flat[count + n] = (int) zeroBased;
                }
                count += order;
            }
        }
        return Coordinates.of(shape, Arrays.copyOf(flat, count));
    }

    private static String shorten(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
