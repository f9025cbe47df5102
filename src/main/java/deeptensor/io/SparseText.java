package deeptensor.io;

import deeptensor.internal.AtomicFiles;

import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The line syntax shared by FROSTT {@code .tns} (fields separated by whitespace) and CSV
 * coordinates (fields separated by commas, with an optional header line): one entry per line, the
 * coordinates then the value; {@code #} starts a comment; blank lines are skipped; a comment
 * {@code # shape: d1 d2 ...} before the first entry gives the shape.
 *
 * <p>Works on raw bytes, line by line, with bounded memory per line and clear messages naming the
 * line and the field.
 */
final class SparseText {

    /** The two dialects. */
    enum Syntax {
        /** FROSTT: whitespace-separated, no header. */
        TNS,
        /** CSV: comma-separated, an optional header line. */
        CSV
    }

    /** Most fields on a line: {@link Limits#MAX_ORDER} coordinates and a value. */
    private static final int MAX_FIELDS = Limits.MAX_ORDER + 1;
    private static final String SHAPE_COMMENT = "shape:";

    private SparseText() {
    }

    // ------------------------------------------------------------------------------------ reading

    static Observations read(Path file, Syntax syntax, SparseOptions options) throws IOException {
        RegularFiles.require(file);
        try (LineReader lines = new LineReader(file, Files.newInputStream(file))) {
            return new Parse(file, syntax, options, lines).run();
        }
    }

    /** The state of one read. */
    private static final class Parse {
        private final Path file;
        private final Syntax syntax;
        private final SparseOptions options;
        private final LineReader lines;
        private final int[] starts = new int[MAX_FIELDS];
        private final int[] ends = new int[MAX_FIELDS];
        private Optional<Shape> shape;
        private int order = -1;
        /** The line that fixed the order, and how. */
        private long orderLine;
        private String orderSource;
        private boolean headerAllowed;
        private EntryTable table;
        private int[] index;

        Parse(Path file, Syntax syntax, SparseOptions options, LineReader lines) {
            this.file = file;
            this.syntax = syntax;
            this.options = options;
            this.lines = lines;
            this.shape = options.shape();
            this.headerAllowed = syntax == Syntax.CSV;
            if (shape.isPresent()) {
                fixOrder(shape.get().order(), 0, "the given shape " + shape.get());
            }
        }

        Observations run() throws IOException {
            boolean anyLine = false;
            while (lines.next()) {
                anyLine = true;
                byte[] bytes = lines.bytes();
                int length = lines.length();
                int comment = indexOf(bytes, length, (byte) '#');
                if (comment >= 0) {
                    if (table == null && !headerSeen) {
                        shapeComment(bytes, comment + 1, length);
                    }
                    length = comment;
                }
                int fields = split(bytes, length);
                if (fields == 0) {
                    continue;
                }
                if (headerAllowed) {
                    headerAllowed = false;
                    if (!allNumeric(bytes, fields)) {
                        header(fields);
                        continue;
                    }
                }
                entry(bytes, fields);
            }
            if (!anyLine) {
                throw FormatException.atByte(file, 0, "the file is empty");
            }
            if (table == null) {
                throw FormatException.atLine(file, Math.max(1, lines.number()),
                        "the file ends without a single entry (only blank lines, comments or a header)");
            }
            return table.build(shape, options.duplicates(), lines.number());
        }

        private boolean headerSeen;

        private void header(int fields) throws FormatException {
            headerSeen = true;
            if (fields < 2) {
                throw FormatException.atLine(file, lines.number(), "the header has 1 field; a header names at least one"
                        + " coordinate and the value, separated by commas");
            }
            checkOrder(fields);
            fixOrder(fields - 1, lines.number(), "the header on line " + lines.number());
        }

        /** Reads {@code # shape: d1 d2 ...} (the text after '#'), if that is what the comment says. */
        private void shapeComment(byte[] bytes, int from, int to) throws FormatException {
            String text = new String(bytes, from, to - from, StandardCharsets.ISO_8859_1).strip();
            if (!text.startsWith(SHAPE_COMMENT)) {
                return;
            }
            String[] parts = text.substring(SHAPE_COMMENT.length()).strip().split("[ \t,]+");
            if (parts.length > Limits.MAX_ORDER || parts[0].isEmpty()) {
                throw FormatException.atLine(file, lines.number(), "the shape comment lists " + (parts[0].isEmpty() ? 0 : parts.length)
                        + " sizes; it needs 1 to " + Limits.MAX_ORDER);
            }
            int[] dims = new int[parts.length];
            for (int mode = 0; mode < parts.length; mode++) {
                if (!parts[mode].matches("[0-9]{1,10}") || Long.parseLong(parts[mode]) > Integer.MAX_VALUE) {
                    throw FormatException.atLine(file, lines.number(), "size " + (mode + 1) + " of the shape comment ('"
                            + PythonLiteral.shorten(parts[mode]) + "') is not an integer in 0.." + Integer.MAX_VALUE);
                }
                dims[mode] = Integer.parseInt(parts[mode]);
            }
            if (options.shape().isPresent()) {
                return; // a shape given by the caller wins over the file's comment
            }
            if (shape.isPresent()) {
                throw FormatException.atLine(file, lines.number(), "a second shape comment");
            }
            try {
                shape = Optional.of(Shape.of(dims));
            } catch (IllegalArgumentException overflow) {
                throw FormatException.atLine(file, lines.number(), "the shape comment's shape is too large: "
                        + overflow.getMessage(), overflow);
            }
            fixOrder(dims.length, lines.number(), "the shape comment on line " + lines.number());
        }

        private void entry(byte[] bytes, int fields) throws FormatException {
            long line = lines.number();
            if (fields < 2) {
                throw FormatException.atLine(file, line, "the line has 1 field; an entry needs at least one coordinate"
                        + " and a value" + (syntax == Syntax.CSV ? ", separated by commas" : ""));
            }
            checkOrder(fields);
            if (order < 0) {
                fixOrder(fields - 1, line, "line " + line);
            }
            if (table == null) {
                table = new EntryTable(file, order, options.indexBase());
                index = new int[order];
            }
            for (int mode = 0; mode < order; mode++) {
                index[mode] = coordinate(bytes, starts[mode], ends[mode], mode);
            }
            table.add(index, value(bytes, starts[order], ends[order], order + 1), line);
        }

        private void fixOrder(int newOrder, long line, String source) {
            order = newOrder;
            orderLine = line;
            orderSource = source;
        }

        private void checkOrder(int fields) throws FormatException {
            if (order >= 0 && fields != order + 1) {
                throw FormatException.atLine(file, lines.number(), "the line has " + fields + " fields, but "
                        + orderSource + " makes the order " + order + ", so " + (order + 1) + " fields (coordinates and a value)"
                        + " are expected");
            }
        }

        /** Splits the line into fields; 0 for a blank line. */
        private int split(byte[] bytes, int length) throws FormatException {
            return syntax == Syntax.TNS ? splitWhitespace(bytes, length) : splitCommas(bytes, length);
        }

        private int splitWhitespace(byte[] bytes, int length) throws FormatException {
            int fields = 0;
            int i = 0;
            while (true) {
                while (i < length && isSpace(bytes[i])) {
                    i++;
                }
                if (i == length) {
                    return fields;
                }
                if (fields == MAX_FIELDS) {
                    throw tooManyFields();
                }
                starts[fields] = i;
                while (i < length && !isSpace(bytes[i])) {
                    i++;
                }
                ends[fields++] = i;
            }
        }

        private int splitCommas(byte[] bytes, int length) throws FormatException {
            boolean blank = true;
            for (int i = 0; i < length && blank; i++) {
                blank = isSpace(bytes[i]);
            }
            if (blank) {
                return 0;
            }
            int fields = 0;
            int start = 0;
            for (int i = 0; i <= length; i++) {
                if (i == length || bytes[i] == ',') {
                    if (fields == MAX_FIELDS) {
                        throw tooManyFields();
                    }
                    int s = start;
                    int e = i;
                    while (s < e && isSpace(bytes[s])) {
                        s++;
                    }
                    while (e > s && isSpace(bytes[e - 1])) {
                        e--;
                    }
                    starts[fields] = s;
                    ends[fields++] = e;
                    start = i + 1;
                }
            }
            return fields;
        }

        private FormatException tooManyFields() {
            return FormatException.atLine(file, lines.number(), "the line has more than " + MAX_FIELDS
                    + " fields; at most " + Limits.MAX_ORDER + " coordinates and a value are accepted");
        }

        /** Whether a line is an entry rather than a header: no field holds text (empty fields are an entry's error). */
        private boolean allNumeric(byte[] bytes, int fields) {
            for (int f = 0; f < fields; f++) {
                if (starts[f] < ends[f] && !isDecimal(bytes, starts[f], ends[f]) && !isNonFinite(bytes, starts[f], ends[f])) {
                    return false;
                }
            }
            return true;
        }

        /** A 0-based coordinate from field {@code mode + 1}, checked against the base and the shape. */
        private int coordinate(byte[] bytes, int start, int end, int mode) throws FormatException {
            int field = mode + 1;
            if (start == end) {
                throw emptyField(field);
            }
            boolean negative = bytes[start] == '-';
            int digitsStart = negative || bytes[start] == '+' ? start + 1 : start;
            boolean digits = digitsStart < end;
            for (int i = digitsStart; i < end && digits; i++) {
                digits = bytes[i] >= '0' && bytes[i] <= '9';
            }
            if (!digits) {
                throw FormatException.atLine(file, lines.number(), "field " + field + " ('" + token(bytes, start, end)
                        + "') is not " + (isDecimal(bytes, start, end) ? "an integer coordinate" : "a coordinate"));
            }
            if (negative) {
                throw FormatException.atLine(file, lines.number(), "coordinate " + token(bytes, start, end) + " in field "
                        + field + " is negative");
            }
            while (digitsStart < end - 1 && bytes[digitsStart] == '0') {
                digitsStart++; // leading zeros do not count towards the length limit
            }
            long parsed = 0;
            for (int i = digitsStart; i < end && parsed <= Integer.MAX_VALUE; i++) {
                parsed = parsed * 10 + (bytes[i] - '0'); // stops before a long could overflow
            }
            if (parsed > Integer.MAX_VALUE) {
                throw FormatException.atLine(file, lines.number(), "coordinate " + token(bytes, start, end) + " in field "
                        + field + " is larger than " + Integer.MAX_VALUE);
            }
            long index = parsed - options.indexBase();
            if (index < 0) {
                throw FormatException.atLine(file, lines.number(), "coordinate 0 in field " + field
                        + ": coordinates count from 1 here; if the file counts from 0, read it with index base 0 (SparseOptions.withIndexBase(0), or --index-base 0 on the command line)");
            }
            if (index >= Integer.MAX_VALUE) {
                throw FormatException.atLine(file, lines.number(), "coordinate " + token(bytes, start, end) + " in field " + field
                        + " needs a mode of more than " + Integer.MAX_VALUE + " indexes");
            }
            if (shape.isPresent() && index >= shape.get().dim(mode)) {
                int base = options.indexBase();
                throw FormatException.atLine(file, lines.number(), "coordinate " + token(bytes, start, end) + " in field " + field
                        + " is outside " + base + ".." + (shape.get().dim(mode) - 1 + base) + " (mode " + mode + " of shape "
                        + shape.get() + ")");
            }
            return (int) index;
        }

        private double value(byte[] bytes, int start, int end, int field) throws FormatException {
            if (start == end) {
                throw emptyField(field);
            }
            if (isNonFinite(bytes, start, end)) {
                throw FormatException.atLine(file, lines.number(), "the value '" + token(bytes, start, end) + "' in field " + field
                        + " is not allowed: observed values must be finite numbers");
            }
            if (!isDecimal(bytes, start, end)) {
                throw FormatException.atLine(file, lines.number(), "field " + field + " ('" + token(bytes, start, end)
                        + "') is not a number");
            }
            double value = Double.parseDouble(new String(bytes, start, end - start, StandardCharsets.US_ASCII));
            if (Double.isInfinite(value)) {
                throw FormatException.atLine(file, lines.number(), "the value " + token(bytes, start, end) + " in field " + field
                        + " is beyond the range of a double");
            }
            return value;
        }

        private FormatException emptyField(int field) {
            return FormatException.atLine(file, lines.number(), "field " + field + " is empty");
        }
    }

    /** A decimal number: optional sign, digits with an optional point, an optional exponent. */
    static boolean isDecimal(byte[] bytes, int start, int end) {
        int i = start;
        if (i < end && (bytes[i] == '+' || bytes[i] == '-')) {
            i++;
        }
        int digits = 0;
        while (i < end && isDigit(bytes[i])) {
            i++;
            digits++;
        }
        if (i < end && bytes[i] == '.') {
            i++;
            while (i < end && isDigit(bytes[i])) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < end && (bytes[i] == 'e' || bytes[i] == 'E')) {
            i++;
            if (i < end && (bytes[i] == '+' || bytes[i] == '-')) {
                i++;
            }
            int exponent = 0;
            while (i < end && isDigit(bytes[i])) {
                i++;
                exponent++;
            }
            if (exponent == 0) {
                return false;
            }
        }
        return i == end;
    }

    /** NaN or infinity spelled as Python, NumPy, C or Java write them, any case, with an optional sign. */
    static boolean isNonFinite(byte[] bytes, int start, int end) {
        int i = start < end && (bytes[start] == '+' || bytes[start] == '-') ? start + 1 : start;
        String word = new String(bytes, i, end - i, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        return word.equals("nan") || word.equals("inf") || word.equals("infinity");
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == 0x0B;
    }

    private static int indexOf(byte[] bytes, int length, byte wanted) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** A field's text for a message: printable ASCII kept, other bytes escaped, at most 40 characters. */
    static String token(byte[] bytes, int start, int end) {
        StringBuilder text = new StringBuilder();
        for (int i = start; i < end && text.length() < 40; i++) {
            int c = bytes[i] & 0xFF;
            text.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return end - start > 40 ? text + "..." : text.toString();
    }

    // ------------------------------------------------------------------------------------ writing

    /**
     * Writes observations one entry per line, coordinates in {@code indexBase}, after a
     * {@code # shape:} comment (and for CSV a header), atomically.
     */
    static void write(Path file, Observations observations, Syntax syntax, int indexBase) throws IOException {
        if (indexBase != 0 && indexBase != 1) {
            throw new IllegalArgumentException("the index base is " + indexBase + "; it must be 0 or 1");
        }
        int order = observations.coordinates().shape().order();
        String separator = syntax == Syntax.CSV ? "," : " ";
        AtomicFiles.replace(file, channel -> {
            // Not closed: closing would close the channel, which AtomicFiles still has to force.
            Writer out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel),
                    StandardCharsets.US_ASCII), 1 << 16);
            StringBuilder line = new StringBuilder("# " + SHAPE_COMMENT);
            for (int mode = 0; mode < order; mode++) {
                line.append(' ').append(observations.shape().dim(mode));
            }
            out.write(line.append('\n').toString());
            if (syntax == Syntax.CSV) {
                line.setLength(0);
                for (int mode = 0; mode < order; mode++) {
                    line.append('i').append(mode + 1).append(',');
                }
                out.write(line.append("value\n").toString());
            }
            for (int entry = 0; entry < observations.count(); entry++) {
                line.setLength(0);
                for (int mode = 0; mode < order; mode++) {
                    line.append(observations.coordinates().index(entry, mode) + indexBase).append(separator);
                }
                // Double.toString is the shortest text that reads back to the same double.
                out.write(line.append(observations.value(entry)).append('\n').toString());
            }
            out.flush();
        });
    }
}
