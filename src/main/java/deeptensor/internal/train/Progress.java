package deeptensor.internal.train;

import deeptensor.internal.model.Model;

/**
 * What a {@link TrainingListener} sees: the step, the losses known at that step and the model (whose
 * parameters are the current ones; listeners may read them but must not change them).
 *
 * @param step            training steps done so far
 * @param stepLoss        the loss of the last step's batch (before its update)
 * @param trainLoss       the loss on all training entries at the last check (NaN before the first)
 * @param validationLoss  the validation loss at the last check (NaN without validation)
 * @param elapsedSeconds  wall time since the run started
 * @param model           the model being trained
 */
public record Progress(long step, double stepLoss, double trainLoss, double validationLoss, double elapsedSeconds, Model model) {
}
