package deeptensor.experiments;

import deeptensor.internal.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A table of raw results written as CSV (RFC 4180: comma-separated, a header row, text quoted
 * when it holds a comma, quote or line break). Numbers are written with full precision in the
 * root locale, so the file reads back to the same doubles.
 */
public final class CsvTable {

    private final List<String> columns;
    private final List<String> lines = new ArrayList<>();

    /** A table with these column names. */
    public CsvTable(String... columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.columns = List.of(columns);
    }

    /** Appends a row; it must have one value per column (numbers, text or booleans). */
    public CsvTable row(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("a row of " + values.length + " values for " + columns.size() + " columns " + columns);
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(format(values[i]));
        }
        lines.add(line.toString());
        return this;
    }

    /** The number of rows so far. */
    public int rows() {
        return lines.size();
    }

    /** The whole table as text, header first. */
    public String text() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            text.append(i > 0 ? "," : "").append(quote(columns.get(i)));
        }
        text.append('\n');
        for (String line : lines) {
            text.append(line).append('\n');
        }
        return text.toString();
    }

    /** Writes the table to {@code file} atomically. */
    public void write(Path file) throws IOException {
        byte[] bytes = text().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.replace(file, channel -> AtomicFiles.writeFully(channel, java.nio.ByteBuffer.wrap(bytes)));
    }

    private static String format(Object value) {
        return switch (value) {
            case null -> "";
            case Double d -> Double.isFinite(d) ? Double.toString(d) : (d.isNaN() ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"));
            case Float f -> format(f.doubleValue());
            case Number n -> n.toString();
            case Boolean b -> b.toString();
            default -> quote(value.toString());
        };
    }

    private static String quote(String text) {
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CsvTable%s, %d rows", columns, lines.size());
    }
}
