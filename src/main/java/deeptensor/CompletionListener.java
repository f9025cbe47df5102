package deeptensor;

/** Receives the progress of a {@link Completion#fit()}; runs on the fitting thread, so keep it short. */
@FunctionalInterface
public interface CompletionListener {

    /** Called after each optimization step (often: throttle display work yourself). */
    void onProgress(CompletionProgress progress);
}
