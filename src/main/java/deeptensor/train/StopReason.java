package deeptensor.train;

/** Why a training run ended. */
public enum StopReason {
    /** The step budget was used up. */
    MAX_STEPS,
    /** The training loss reached the tolerance. */
    TOLERANCE,
    /** The training loss stopped decreasing (plateau rule). */
    PLATEAU,
    /** The validation loss stopped improving (patience rule); the best state was restored. */
    EARLY_STOPPING,
    /** The loss became NaN/infinite or exploded; the last good state was restored. */
    DIVERGED,
    /** Every planned fit ran to its end (the default completion: converged or at its iteration cap). */
    FINISHED,
    /** The time budget ran out; the best state so far was kept. */
    TIME_LIMIT,
    /** The thread was interrupted; the run stopped at the next step and kept the best state so far. */
    INTERRUPTED
}
