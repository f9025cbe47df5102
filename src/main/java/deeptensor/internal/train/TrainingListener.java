package deeptensor.internal.train;

/** Called by a training run every few steps (see {@link Trainer#listener(int, TrainingListener)}). */
@FunctionalInterface
public interface TrainingListener {

    /** Receives the current progress; runs on the training thread, so keep it short. */
    void onProgress(Progress progress);
}
