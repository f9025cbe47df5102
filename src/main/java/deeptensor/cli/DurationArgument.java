package deeptensor.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a time budget as people write it: {@code 90s}, {@code 5m}, {@code 1h}, {@code 1h30m},
 * {@code 2m30s}, {@code 500ms}, plain seconds ({@code 90}, {@code 2.5}) or ISO-8601
 * ({@code PT5M}). The result must be positive.
 */
final class DurationArgument {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s)");
    private static final Pattern PLAIN = Pattern.compile("\\d+(?:\\.\\d+)?");

    private DurationArgument() {
    }

    /** The duration {@code text} names, for the option {@code option} (named in the error). */
    static Duration parse(String option, String text) throws Main.UsageException {
        String word = text.strip().toLowerCase(Locale.ROOT);
        Duration result = null;
        try {
            if (word.startsWith("p")) {
                result = Duration.parse(word.toUpperCase(Locale.ROOT));
            } else if (PLAIN.matcher(word).matches()) {
                result = ofSeconds(new BigDecimal(word));
            } else {
                result = ofParts(word);
            }
        } catch (DateTimeParseException | ArithmeticException unreadable) {
            result = null;
        }
        if (result == null) {
            throw new Main.UsageException(option + ": '" + text + "' is not a duration (examples: 90s, 5m, 1h30m, 120, PT5M)");
        }
        if (result.isNegative() || result.isZero()) {
            throw new Main.UsageException(option + " must be longer than zero, got '" + text + "'");
        }
        return result;
    }

    /** A sequence of number-unit parts, each unit at most once and from longest to shortest; null if not one. */
    private static Duration ofParts(String word) {
        Matcher part = PART.matcher(word);
        Duration total = Duration.ZERO;
        int position = 0;
        int lastRank = -1;
        while (position < word.length()) {
            if (!part.find(position) || part.start() != position) {
                return null;
            }
            int rank = switch (part.group(2)) {
                case "h" -> 0;
                case "m" -> 1;
                case "s" -> 2;
                default -> 3; // ms
            };
            if (rank <= lastRank) {
                return null;
            }
            lastRank = rank;
            BigDecimal amount = new BigDecimal(part.group(1));
            BigDecimal seconds = switch (rank) {
                case 0 -> amount.multiply(BigDecimal.valueOf(3600));
                case 1 -> amount.multiply(BigDecimal.valueOf(60));
                case 2 -> amount;
                default -> amount.movePointLeft(3);
            };
            total = total.plus(ofSeconds(seconds));
            position = part.end();
        }
        return position == 0 ? null : total;
    }

    private static Duration ofSeconds(BigDecimal seconds) {
        BigDecimal nanos = seconds.movePointRight(9);
        return Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
    }

    /** A short readable form: {@code 45 s}, {@code 3 min 05 s}, {@code 1 h 02 min}. */
    static String format(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long whole = Math.round(seconds);
        if (seconds < 10) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        if (whole < 60) {
            return whole + " s";
        }
        if (whole < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", whole / 60, whole % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", whole / 3600, whole % 3600 / 60);
    }
}
