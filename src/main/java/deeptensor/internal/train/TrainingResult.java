package deeptensor.internal.train;

import deeptensor.train.StopReason;
import java.util.List;

/**
 * The outcome of a training run.
 *
 * @param steps           steps done (including those before a resume)
 * @param reason          why it stopped
 * @param message         a sentence saying why, and for a divergence what to change
 * @param trainLoss       loss on all training entries for the final parameters
 * @param validationLoss  validation loss for the final parameters (NaN without validation)
 * @param elapsedSeconds  wall time of this run (not counting time before a resume)
 * @param history         the losses at every check, in order
 */
public record TrainingResult(long steps, StopReason reason, String message, double trainLoss, double validationLoss,
                             double elapsedSeconds, List<Check> history) {

    /**
     * The losses at one check.
     *
     * @param step            the step
     * @param trainLoss       loss on all training entries
     * @param validationLoss  validation loss (NaN without validation)
     */
    public record Check(long step, double trainLoss, double validationLoss) {
    }
}
