package deeptensor.cli;

import deeptensor.CompletionListener;
import deeptensor.CompletionProgress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows the progress of a fit on standard error. On a terminal it redraws one line in place (a bar
 * with the share done, the stage, the best validation error, the time spent and an estimate of the
 * time left) at most {@value #BAR_INTERVAL_MS} ms apart; elsewhere (a log file, a pipe) it prints a
 * plain line every {@value #LINE_INTERVAL_MS} ms, so short runs print none.
 *
 * <p>Updates come from the fitting thread ({@link #onProgress}); a daemon "ticker" thread also
 * redraws with the clock moved on when the fit is silent for a while (one long step), so the
 * elapsed time never freezes. Drawing is synchronized and only happens when one is due.
 */
final class ProgressDisplay implements CompletionListener {

    /** How the progress is shown. */
    enum Mode {
        /** One line redrawn with a carriage return. */
        BAR,
        /** A new line now and then. */
        LINES,
        /** Nothing. */
        NONE
    }

    static final long BAR_INTERVAL_MS = 200;
    static final long LINE_INTERVAL_MS = 5_000;
    /** Below this share done, the time left is shown as "?" (early stages say little about the rest). */
    static final double MIN_FRACTION_FOR_ESTIMATE = 0.02;
    private static final int BAR_CELLS = 20;

    private final PrintStream err;
    private final Mode mode;
    private final int width;
    private final LongSupplier clock;
    private long lastShownNanos;
    private int drawnLength;
    private CompletionProgress latest;
    private long latestNanos;
    private boolean finished;
    private Thread ticker;

    ProgressDisplay(PrintStream err, Mode mode, int width, LongSupplier nanoClock) {
        this.err = err;
        this.mode = mode;
        this.width = width;
        this.clock = nanoClock;
        this.lastShownNanos = nanoClock.getAsLong();
    }

    /** The display for a command writing its messages to {@code err}: a bar only on the real terminal. */
    static ProgressDisplay forStream(PrintStream err, boolean quiet) {
        Mode mode = quiet ? Mode.NONE : err == System.err && Terminal.stderrIsTerminal() ? Mode.BAR : Mode.LINES;
        ProgressDisplay display = new ProgressDisplay(err, mode, Terminal.width(), System::nanoTime);
        if (mode != Mode.NONE) {
            display.startTicking();
        }
        return display;
    }

    Mode mode() {
        return mode;
    }

    /** Starts the thread that redraws while the fit is silent; {@link #finish()} stops it. */
    void startTicking() {
        long period = mode == Mode.BAR ? 4 * BAR_INTERVAL_MS : LINE_INTERVAL_MS / 5;
        ticker = Thread.ofPlatform().daemon().name("deeptensor-progress").start(() -> {
            try {
                while (true) {
                    Thread.sleep(period);
                    tick();
                }
            } catch (InterruptedException stopped) {
                // finish() stops the ticker
            }
        });
    }

    @Override
    public synchronized void onProgress(CompletionProgress progress) {
        latest = progress;
        latestNanos = clock.getAsLong();
        drawIfDue(progress, latestNanos);
    }

    /** Redraws the latest progress with the elapsed time moved on to now, if a redraw is due. */
    synchronized void tick() {
        if (latest == null || finished) {
            return;
        }
        long now = clock.getAsLong();
        double silent = (now - latestNanos) * 1e-9;
        CompletionProgress moved = new CompletionProgress(latest.stage(), latest.fractionDone(), latest.validationError(),
                latest.elapsedSeconds() + silent);
        drawIfDue(moved, now);
    }

    private void drawIfDue(CompletionProgress progress, long now) {
        if (mode == Mode.NONE || finished) {
            return;
        }
        long interval = (mode == Mode.BAR ? BAR_INTERVAL_MS : LINE_INTERVAL_MS) * 1_000_000;
        if (now - lastShownNanos < interval) {
            return;
        }
        lastShownNanos = now;
        if (mode == Mode.BAR) {
            String line = fit(barLine(progress), width - 1);
            // Pad with spaces to wipe a longer previous line.
            err.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
            err.flush();
            drawnLength = line.length();
        } else {
            err.println("deeptensor: " + plainLine(progress));
        }
    }

    /** Ends the display: stops the ticker and wipes the bar, so that the summary starts on a clean line. */
    void finish() {
        Thread running;
        synchronized (this) {
            finished = true;
            running = ticker;
            ticker = null;
            if (mode == Mode.BAR && drawnLength > 0) {
                err.print("\r" + " ".repeat(drawnLength) + "\r");
                err.flush();
                drawnLength = 0;
            }
        }
        if (running != null) {
            running.interrupt();
        }
    }

    /** The last progress received, or null. */
    synchronized CompletionProgress latest() {
        return latest;
    }

    static String barLine(CompletionProgress p) {
        double done = clamp(p.fractionDone());
        int filled = (int) Math.round(done * BAR_CELLS);
        return String.format(Locale.ROOT, "[%s%s] %3d %% %s | val. error %s | %s | %s left",
                "#".repeat(filled), "-".repeat(BAR_CELLS - filled), Math.round(100 * done), p.stage(),
                error(p.validationError()), DurationArgument.format(p.elapsedSeconds()), left(p));
    }

    static String plainLine(CompletionProgress p) {
        return String.format(Locale.ROOT, "%d %% done, %s; validation error %s; %s elapsed, about %s left",
                Math.round(100 * clamp(p.fractionDone())), p.stage(), error(p.validationError()),
                DurationArgument.format(p.elapsedSeconds()), left(p));
    }

    /** The time left, once enough is done for the estimate to mean something. */
    private static String left(CompletionProgress p) {
        return p.fractionDone() >= MIN_FRACTION_FOR_ESTIMATE ? DurationArgument.format(p.secondsLeft()) : "?";
    }

    private static String error(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4g", value) : "-";
    }

    private static double clamp(double fraction) {
        return Double.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
    }

    /** Shortens a line to {@code columns} characters (a wrapped line cannot be redrawn in place). */
    private static String fit(String line, int columns) {
        return line.length() <= columns ? line : line.substring(0, Math.max(0, columns - 1)) + "…";
    }
}
