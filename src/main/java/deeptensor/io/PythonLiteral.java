package deeptensor.io;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A parser for the small subset of Python literal syntax that a {@code .npy} header is written in:
 * dictionaries, tuples, lists, strings, integers, {@code True}, {@code False} and {@code None},
 * separated by whitespace and allowing the trailing commas Python allows.
 *
 * <p>It works on the raw header bytes so that every error names an exact byte offset in the file.
 * Bytes outside ASCII are allowed only inside strings (decoded as Latin-1 for format versions 1 and
 * 2, as UTF-8 for version 3, as NumPy does). Work is bounded: nesting is limited to
 * {@value #MAX_DEPTH} levels and integers to {@value #MAX_DIGITS} digits, so a hostile header can
 * neither overflow the stack nor make big-number parsing slow.
 */
final class PythonLiteral {

    /** Deepest nesting of brackets accepted; a real header nests two levels (a tuple in a dict). */
    static final int MAX_DEPTH = 8;
    /** Longest integer literal accepted; a real dimension has at most 19 digits. */
    static final int MAX_DIGITS = 40;

    /** A parsed value and the byte offset (in the file) where it starts. */
    sealed interface Value permits Str, Int, Bool, None, Sequence, Dict {
        long offset();
    }

    /** A string literal. */
    record Str(String text, long offset) implements Value {
    }

    /** An integer literal (with an optional sign). */
    record Int(BigInteger value, long offset) implements Value {
    }

    /** {@code True} or {@code False}. */
    record Bool(boolean value, long offset) implements Value {
    }

    /** {@code None}. */
    record None(long offset) implements Value {
    }

    /** A tuple or a list. */
    record Sequence(List<Value> items, boolean tuple, long offset) implements Value {
    }

    /** One {@code key: value} pair of a dictionary. */
    record Entry(Value key, Value value) {
    }

    /** A dictionary, entries in file order; duplicate keys are kept so the caller can refuse them. */
    record Dict(List<Entry> entries, long offset) implements Value {
    }

    private final Path file;
    private final byte[] text;
    private final long base;
    private final boolean utf8;
    private int pos;

    private PythonLiteral(Path file, byte[] text, long base, boolean utf8) {
        this.file = file;
        this.text = text;
        this.base = base;
        this.utf8 = utf8;
    }

    /**
     * Parses {@code text} as exactly one literal surrounded by optional whitespace.
     *
     * @param file the file, for error messages
     * @param text the literal's bytes
     * @param base the byte offset of {@code text[0]} in the file, so errors name file offsets
     * @param utf8 whether strings are UTF-8 (format version 3) rather than Latin-1
     */
    static Value parse(Path file, byte[] text, long base, boolean utf8) throws FormatException {
        PythonLiteral parser = new PythonLiteral(file, text, base, utf8);
        parser.skipSpace();
        Value value = parser.value(1);
        parser.skipSpace();
        if (parser.pos < text.length) {
            throw parser.error("unexpected " + parser.describe(parser.pos) + " after the end of the header's literal");
        }
        return value;
    }

    /** A short description of a value's kind, for messages: "a string", "a tuple", ... */
    static String kindOf(Value value) {
        return switch (value) {
            case Str s -> "the string '" + shorten(s.text()) + "'";
            case Int i -> "the integer " + shorten(i.value().toString());
            case Bool b -> b.value() ? "True" : "False";
            case None n -> "None";
            case Sequence s -> s.tuple() ? "a tuple" : "a list";
            case Dict d -> "a dictionary";
        };
    }

    /** Cuts long text for messages, so a hostile file cannot make a message huge. */
    static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private Value value(int depth) throws FormatException {
        if (pos >= text.length) {
            throw error("the header ends where a value was expected");
        }
        int c = text[pos] & 0xFF;
        if (c == '{' || c == '(' || c == '[') {
            if (depth > MAX_DEPTH) {
                throw error("brackets nest deeper than " + MAX_DEPTH + " levels");
            }
            return c == '{' ? dict(depth) : sequence(depth);
        }
        if (c == '\'' || c == '"') {
            return string();
        }
        if (c == '-' || c == '+' || isDigit(c)) {
            return integer();
        }
        if (isNameStart(c)) {
            return name();
        }
        throw error("unexpected " + describe(pos) + " where a value was expected");
    }

    private Dict dict(int depth) throws FormatException {
        long offset = base + pos;
        pos++; // '{'
        List<Entry> entries = new ArrayList<>();
        while (true) {
            skipSpace();
            if (peek() == '}') {
                pos++;
                return new Dict(entries, offset);
            }
            Value key = value(depth + 1);
            skipSpace();
            expect(':', "':' after a dictionary key");
            skipSpace();
            Value value = value(depth + 1);
            entries.add(new Entry(key, value));
            skipSpace();
            int next = peek();
            if (next == ',') {
                pos++;
            } else if (next != '}') {
                throw error("expected ',' or '}' in the dictionary, found " + describe(pos));
            }
        }
    }

    /** A tuple, a list, or a parenthesized single value (which Python reads as the value itself). */
    private Value sequence(int depth) throws FormatException {
        long offset = base + pos;
        char close = text[pos] == '(' ? ')' : ']';
        boolean parenthesis = close == ')';
        pos++;
        List<Value> items = new ArrayList<>();
        boolean sawComma = false;
        while (true) {
            skipSpace();
            if (peek() == close) {
                pos++;
                if (parenthesis && items.size() == 1 && !sawComma) {
                    return items.getFirst(); // (3) is 3, not a tuple: Python needs (3,)
                }
                return new Sequence(items, parenthesis, offset);
            }
            items.add(value(depth + 1));
            skipSpace();
            int next = peek();
            if (next == ',') {
                sawComma = true;
                pos++;
            } else if (next != close) {
                throw error("expected ',' or '" + close + "' in the " + (parenthesis ? "tuple" : "list")
                        + ", found " + describe(pos));
            }
        }
    }

    private Str string() throws FormatException {
        long offset = base + pos;
        byte quote = text[pos++];
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (true) {
            if (pos >= text.length || text[pos] == '\n' || text[pos] == '\r') {
                throw FormatException.atByte(file, offset, "string is not closed before the end of its line");
            }
            byte b = text[pos++];
            if (b == quote) {
                break;
            }
            if (b == '\\') {
                if (pos >= text.length) {
                    throw FormatException.atByte(file, offset, "string is not closed before the end of the header");
                }
                byte escaped = text[pos++];
                switch (escaped) {
                    case '\\', '\'', '"' -> bytes.write(escaped);
                    case 'n' -> bytes.write('\n');
                    case 't' -> bytes.write('\t');
                    case 'r' -> bytes.write('\r');
                    default -> throw FormatException.atByte(file, base + pos - 2,
                            "unsupported escape \\" + printable(escaped & 0xFF) + " in a string");
                }
            } else {
                bytes.write(b);
            }
        }
        return new Str(decode(bytes.toByteArray(), offset), offset);
    }

    private String decode(byte[] bytes, long offset) throws FormatException {
        if (!utf8) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException malformed) {
            throw FormatException.atByte(file, offset, "string is not valid UTF-8 (format version 3 headers are UTF-8)");
        }
    }

    private Int integer() throws FormatException {
        long offset = base + pos;
        boolean negative = false;
        if (text[pos] == '-' || text[pos] == '+') {
            negative = text[pos] == '-';
            pos++;
            skipSpace(); // Python reads "- 3" as the unary minus applied to 3
        }
        int start = pos;
        while (pos < text.length && isDigit(text[pos])) {
            pos++;
            if (pos - start > MAX_DIGITS) {
                throw FormatException.atByte(file, offset, "integer has more than " + MAX_DIGITS + " digits");
            }
        }
        if (pos == start) {
            throw error("expected digits after the sign, found " + describe(pos));
        }
        BigInteger value = new BigInteger(new String(text, start, pos - start, StandardCharsets.US_ASCII));
        if (pos < text.length && (text[pos] == 'L' || text[pos] == 'l')) {
            pos++; // Python 2 wrote long integers as 3L; NumPy still reads them
        }
        if (pos < text.length && (isNameStart(text[pos] & 0xFF) || text[pos] == '.')) {
            throw error("unexpected " + describe(pos) + " in a number (only decimal integers are allowed)");
        }
        return new Int(negative ? value.negate() : value, offset);
    }

    private Value name() throws FormatException {
        long offset = base + pos;
        int start = pos;
        while (pos < text.length && (isNameStart(text[pos] & 0xFF) || isDigit(text[pos]))) {
            pos++;
            if (pos - start > 40) {
                break;
            }
        }
        String name = new String(text, start, pos - start, StandardCharsets.US_ASCII);
        return switch (name) {
            case "True" -> new Bool(true, offset);
            case "False" -> new Bool(false, offset);
            case "None" -> new None(offset);
            default -> throw FormatException.atByte(file, offset, "unexpected name '" + shorten(name)
                    + "' (only True, False and None are allowed)");
        };
    }

    private void expect(char expected, String what) throws FormatException {
        if (peek() != expected) {
            throw error("expected " + what + ", found " + describe(pos));
        }
        pos++;
    }

    private int peek() {
        return pos < text.length ? text[pos] & 0xFF : -1;
    }

    private void skipSpace() {
        while (pos < text.length) {
            byte b = text[pos];
            if (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f') {
                pos++;
            } else {
                return;
            }
        }
    }

    private FormatException error(String problem) {
        return FormatException.atByte(file, base + pos, problem);
    }

    private String describe(int at) {
        if (at >= text.length) {
            return "the end of the header";
        }
        return printable(text[at] & 0xFF);
    }

    private static String printable(int c) {
        return c >= 0x20 && c < 0x7F ? "'" + (char) c + "'" : String.format("byte 0x%02x", c);
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isNameStart(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }
}
