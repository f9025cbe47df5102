package deeptensor.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the command line knows about where its standard error goes. */
final class Terminal {

    private Terminal() {
    }

    /**
     * Whether standard error is an interactive terminal (so a progress bar may be redrawn in place).
     * On Linux the target of file descriptor 2 says so exactly; elsewhere the JDK's console check
     * (standard input and output attached to a terminal) stands in for it. {@code TERM=dumb} means no.
     */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Path descriptor = Path.of("/proc/self/fd/2");
        if (Files.exists(descriptor, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                String target = Files.readSymbolicLink(descriptor).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            } catch (IOException | UnsupportedOperationException | SecurityException unknown) {
                // fall through to the console check
            }
        }
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** Columns a progress line may use: {@code COLUMNS} when the shell exports it, else 80. */
    static int width() {
        String columns = System.getenv("COLUMNS");
        if (columns != null) {
            try {
                int value = Integer.parseInt(columns.strip());
                if (value >= 20 && value <= 1000) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // use the default
            }
        }
        return 80;
    }
}
