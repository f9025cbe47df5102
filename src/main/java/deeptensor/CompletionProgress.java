package deeptensor;

/**
 * Where a running {@link Completion#fit()} is, for progress bars and logs.
 *
 * @param stage               what is being done now, in a few words (for example {@code "ridge λ = 0.3"})
 * @param fractionDone        an estimate of the share of the planned work done, in [0, 1]
 * @param validationError     the best relative error on the held-out observed entries so far (NaN before the first)
 * @param elapsedSeconds      wall time since the fit started
 */
public record CompletionProgress(String stage, double fractionDone, double validationError, double elapsedSeconds) {

    /**
     * The estimated seconds left: elapsed time scaled by the work still planned (NaN until some work
     * is done). A rough figure: stages do not all cost the same.
     */
    public double secondsLeft() {
        return fractionDone > 0 ? elapsedSeconds * (1 - fractionDone) / fractionDone : Double.NaN;
    }
}
