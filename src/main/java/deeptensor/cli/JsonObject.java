package deeptensor.cli;

import java.util.Locale;

/** Builds one JSON object, member by member (non-finite numbers become {@code null}). */
final class JsonObject {

    private final StringBuilder text = new StringBuilder("{");

    JsonObject string(String name, String value) {
        return raw(name, value == null ? "null" : quote(value));
    }

    JsonObject number(String name, double value) {
        return raw(name, Double.isFinite(value) ? (value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : Double.toString(value)) : "null");
    }

    JsonObject integer(String name, long value) {
        return raw(name, Long.toString(value));
    }

    JsonObject bool(String name, boolean value) {
        return raw(name, Boolean.toString(value));
    }

    JsonObject integers(String name, int[] values) {
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            list.append(i > 0 ? "," : "").append(values[i]);
        }
        return raw(name, list.append(']').toString());
    }

    /** A member whose value is already JSON text. */
    JsonObject raw(String name, String json) {
        if (text.length() > 1) {
            text.append(',');
        }
        text.append("\n  ").append(quote(name)).append(": ").append(json);
        return this;
    }

    @Override
    public String toString() {
        return text + "\n}\n";
    }

    static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
