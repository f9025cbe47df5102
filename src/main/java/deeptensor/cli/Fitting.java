package deeptensor.cli;

import deeptensor.Completion;
import deeptensor.CompletionResult;
import deeptensor.tensor.Observations;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs {@link Completion#fit()} the way the commands do: with the seed, model and time budget
 * given, the progress display, and the signal guard (so that Ctrl-C stops the fit at its next step
 * and the best state so far comes back).
 */
final class Fitting {

    /**
     * What the fit is told.
     *
     * @param seed    seed of every random choice
     * @param model   the model, or {@code auto}
     * @param maxTime the time budget, if any
     */
    record Settings(long seed, ModelChoice model, Optional<Duration> maxTime) {
    }

    /** A signal came before the fit started: there is nothing to write. */
    static final class InterruptedBeforeFit extends Exception {
        InterruptedBeforeFit() {
            super("interrupted before the fit started; nothing written");
        }
    }

    private Fitting() {
    }

    /** Fits and returns the result (close it); the calling thread's interrupt flag is clear afterwards. */
    static CompletionResult run(Observations observed, Settings settings, ProgressDisplay display, ShutdownGuard guard)
            throws InterruptedBeforeFit {
        try {
            Completion completion = Completion.of(observed).seed(settings.seed()).progress(display);
            settings.model().spec().ifPresent(completion::model);
            settings.maxTime().ifPresent(completion::maxTime);
            if (!guard.fitStarting()) {
                throw new InterruptedBeforeFit();
            }
            try {
                return completion.fit();
            } finally {
                guard.fitEnded();
            }
        } finally {
            display.finish();
        }
    }
}
