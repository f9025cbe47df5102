package deeptensor.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code deeptensor} command line. Exit codes a script can rely on: 0 success, 2 bad input or
 * usage (one line on stderr, no stack trace unless {@code --debug}), 1 an internal error.
 */
public final class Main {

    /** Exit code for success. */
    public static final int OK = 0;
    /** Exit code for an unexpected internal failure (a bug). */
    public static final int INTERNAL_ERROR = 1;
    /** Exit code for bad input: unreadable or malformed file, bad arguments. */
    public static final int BAD_INPUT = 2;

    private Main() {
    }

    public static void main(String[] args) {
        // One line per log record (the library logs one line saying which kernels run), unless
        // the user configured logging.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line and returns its exit code; output goes to {@code out}, messages to {@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> words = new java.util.ArrayList<>(Arrays.asList(args));
        boolean debug = words.remove("--debug");
        String command = words.isEmpty() ? "help" : words.remove(0);
        try {
            deeptensor.kernel.KernelProvider.kernels(); // a bad -Ddeeptensor.kernels is the user's to fix: exit 2
        } catch (IllegalArgumentException | IllegalStateException badSetting) {
            err.println("deeptensor: " + badSetting.getMessage());
            return BAD_INPUT;
        }
        try {
            switch (command) {
                case "info" -> InfoCommand.run(words, out);
                case "help", "--help", "-h" -> out.print(usage());
                default -> throw new UsageException("unknown command '" + command + "'; try: deeptensor help");
            }
            return OK;
        } catch (UsageException | IllegalArgumentException | java.io.IOException | java.io.UncheckedIOException bad) {
            err.println("deeptensor: " + describe(bad));
            if (debug) {
                bad.printStackTrace(err);
            }
            return BAD_INPUT;
        } catch (RuntimeException | Error bug) {
            err.println("deeptensor: internal error: " + bug + " (run with --debug for the stack trace)");
            if (debug) {
                bug.printStackTrace(err);
            }
            return INTERNAL_ERROR;
        }
    }

    /** A one-line message; the JDK's file-system exceptions carry only the path, so say what happened. */
    static String describe(Exception bad) {
        return switch (bad) {
            case java.nio.file.NoSuchFileException missing -> "no such file: " + missing.getFile();
            case java.nio.file.AccessDeniedException denied -> "permission denied: " + denied.getFile();
            case java.nio.file.FileSystemException other -> other.getFile() + ": " + other.getReason();
            default -> bad.getMessage();
        };
    }

    static String usage() {
        return """
                usage: deeptensor [--debug] COMMAND [ARGS]

                commands:
                  info [FILE] [--top K]   shape, observed fraction, value range and per-mode singular
                                          value spectra of a .npy, .tns or .csv file; without FILE,
                                          of the bundled unemployment tensor (US BLS, 14×10×12)
                  help                    this text

                exit codes: 0 success, 2 bad input (message on stderr), 1 internal error
                """;
    }

    /** Bad command-line arguments. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }
}
