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
    /**
     * Exit code of a command stopped by SIGINT (128 + 2). The JVM itself ends with 128 + the signal
     * number once the shutdown hooks have run: 130 after Ctrl-C, 143 after SIGTERM.
     */
    public static final int INTERRUPTED = 130;

    private Main() {
    }

    public static void main(String[] args) {
        // One line per log record (the library logs one line saying which kernels run), unless
        // the user configured logging.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        }
        // Previews are drawn off-screen; never look for a display.
        System.setProperty("java.awt.headless", "true");
        if (!Arrays.asList(args).contains("--verbose")) {
            // The line naming the kernels chosen is for --verbose (and info prints it); warnings,
            // such as running on the slow scalar path, still show.
            java.util.logging.Logger.getLogger("deeptensor").setLevel(java.util.logging.Level.WARNING);
        }
        int code = run(args, System.out, System.err);
        if (ShutdownGuard.shutdownStarted()) {
            // A signal started the JVM's shutdown: calling System.exit now would block for good.
            // Returning lets the shutdown finish, with the exit status the signal implies.
            return;
        }
        System.exit(code);
    }

    /** Runs a command line and returns its exit code; output goes to {@code out}, messages to {@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> words = new java.util.ArrayList<>(Arrays.asList(args));
        boolean debug = words.remove("--debug");
        words.remove("--verbose"); // read by main: the library's informational log lines
        String command = words.isEmpty() ? "help" : words.remove(0);
        try {
            if (command.equals("complete") || command.equals("demo") || command.equals("predict") || command.equals("experiment")) {
                applyThreads(words); // read when the kernels load, just below
            }
            deeptensor.internal.kernel.KernelProvider.kernels(); // a bad -Ddeeptensor.kernels is the user's to fix: exit 2
        } catch (UsageException | IllegalArgumentException | IllegalStateException badSetting) {
            err.println("deeptensor: " + badSetting.getMessage());
            return BAD_INPUT;
        }
        try {
            return switch (command) {
                case "info" -> {
                    InfoCommand.run(words, out);
                    yield OK;
                }
                case "complete" -> CompleteCommand.run(words, err);
                case "predict" -> PredictCommand.run(words, err);
                case "demo" -> DemoCommand.run(words, out, err);
                case "experiment" -> ExperimentCommand.run(words, out);
                case "help", "--help", "-h" -> {
                    out.print(usage());
                    yield OK;
                }
                default -> throw new UsageException("unknown command '" + command + "'; try: deeptensor help");
            };
        } catch (Fitting.InterruptedBeforeFit stopped) {
            err.println("deeptensor: " + stopped.getMessage());
            return INTERRUPTED;
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

    /** Sets the kernels' thread count from {@code --threads N} (or {@code --threads=N}) among {@code words}. */
    private static void applyThreads(List<String> words) throws UsageException {
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            String value = null;
            if (word.equals("--threads") && i + 1 < words.size()) {
                value = words.get(i + 1);
            } else if (word.startsWith("--threads=")) {
                value = word.substring("--threads=".length());
            }
            if (value != null) {
                System.setProperty("deeptensor.threads", Integer.toString(parseThreads(value)));
                return;
            }
        }
    }

    /** {@code --threads}: a whole number from 1 to 1024. */
    static int parseThreads(String text) throws UsageException {
        try {
            int threads = Integer.parseInt(text.strip());
            if (threads >= 1 && threads <= 1024) {
                return threads;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new UsageException("--threads must be a whole number from 1 to 1024, got '" + text + "'");
    }

    /** A whole number for {@code option}. */
    static long parseLong(String option, String text) throws UsageException {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException notANumber) {
            throw new UsageException(option + " must be a whole number, got '" + text + "'");
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
                usage: deeptensor [--debug] [--verbose] COMMAND [ARGS]

                commands:
                  complete INPUT -o OUTPUT.npy [options]
                                          fill in the missing entries of INPUT (.npy with NaN
                                          for missing, or .tns / .csv coordinates) and write the
                                          whole tensor as .npy (<f8, C order), atomically;
                                          observed entries keep their values
                      --shape 14x10x12    shape of a .tns/.csv tensor (else the largest indexes)
                      --index-base B      first index of a .tns/.csv file: 1 (default) or 0
                      --seed S            seed of every random choice (default 0)
                      --model M           tucker, cp, tt or auto (default auto: the library's
                                          default recipe, which chooses its own depth)
                      --depth L           depth of an explicit --model (default 2)
                      --threads N         threads of the kernels (default: all processors)
                      --max-time T        time budget: 90s, 5m, 1h30m, 120 (seconds), PT5M;
                                          when it runs out the best state so far is written
                      --report FILE.json  settings, model, errors, ranks, steps, time, version
                      --preview FILE.png  observed | completed | |fit − observed| ×2 side by
                                          side, for H×W, H×W×3, frames×H×W, frames×H×W×3
                                          (missing entries black)
                      --refit-observed    write the model's values at observed entries too
                      --save-model F.dtm  also save the fitted model, to serve with predict
                      --quiet             no progress and no summary on stderr
                  demo [--preview FILE.png] [--seed S] [--max-time T] [--threads N] [--quiet]
                                          complete the bundled astronaut photograph (128×128×3)
                                          with 90 % of its entries removed; print the error on
                                          them beside mean and main-effects imputation; write
                                          a preview (default demo-preview.png); fitting stops
                                          after 30 s unless --max-time says otherwise
                  predict MODEL.dtm INPUT -o OUTPUT [--index-base B] [--threads N] [--quiet]
                                          the saved model's values at the entries listed in INPUT
                                          (.npy m×N indexes from 0, or .tns/.csv lines of indexes;
                                          a value column is ignored) written in order: .npy vector,
                                          or .csv/.tns lines of indexes and value
                  info [FILE] [--top K] [--index-base B]
                                          shape, observed fraction, value range and per-mode singular
                                          value spectra of a .npy, .tns or .csv file; without FILE,
                                          of the bundled unemployment tensor (US BLS, 14×10×12)
                  experiment ID... [--quick] [--out DIR] [--seeds K] [--threads N] [--budget T]
                             [--list]
                                          run the papers' experiments E1 … E10 (or all): CSV
                                          series and SVG figures in DIR/ID/ (default
                                          experiment-results), a verdict line per claim, and
                                          DIR/verdicts.csv; --quick runs the reduced sizes;
                                          --budget limits each long training run (E8) to T
                  help                    this text

                --verbose also logs which kernels were chosen (info always prints them);
                --debug prints the stack trace of an error.
                progress goes to stderr: a bar redrawn in place on a terminal, a line every 5 s
                otherwise. Ctrl-C (SIGINT) or SIGTERM stops the fit at its next step and still
                writes the best state so far ("interrupted: ..." on stderr); the exit code is then
                130 (SIGINT) or 143 (SIGTERM), and the output file is complete and valid.

                exit codes: 0 success, 2 bad input (message on stderr), 1 internal error,
                130/143 interrupted (output written)
                """;
    }

    /** Bad command-line arguments. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }
}
