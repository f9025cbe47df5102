package deeptensor.spark;

import deeptensor.train.StopReason;
import java.util.List;

/**
 * What a {@link SparkCompletion} fit did. Losses are mean squared errors on the RMS-1 scale the fit
 * trains on (as the local path's {@code TrainingResult}); the RMSEs are in the data's units.
 *
 * @param model          the model fitted, in words
 * @param trainEntries   observed entries trained on
 * @param validationEntries observed entries held out (chosen by a hash of each entry's position and the seed)
 * @param partitions     partitions the entries were cut into
 * @param scale          the root-mean-square of the observed values, which the fit divides by
 * @param steps          optimizer steps taken
 * @param stopReason     why it stopped
 * @param message        the same, in words
 * @param trainLoss      final training MSE (scaled)
 * @param validationLoss final validation MSE (scaled), NaN without validation
 * @param trainRmse      final training RMSE in the data's units
 * @param validationRmse final validation RMSE in the data's units, NaN without validation
 * @param prepareSeconds time to partition, cache and scale the entries
 * @param fitSeconds     time of the optimization loop
 * @param stepSeconds    the wall time of every step (one pass over the entries plus the update)
 * @param history        the checks: step, training and validation loss, time
 */
public record SparkReport(String model, long trainEntries, long validationEntries, int partitions, double scale, long steps,
                          StopReason stopReason, String message, double trainLoss, double validationLoss, double trainRmse,
                          double validationRmse, double prepareSeconds, double fitSeconds, double[] stepSeconds,
                          List<Check> history) {

    /** One check of the losses, {@code seconds} after the optimization loop started. */
    public record Check(long step, double trainLoss, double validationLoss, double seconds) {
    }

    /** The median time of one step, leaving out the first (which builds the executors' buffers), or NaN. */
    public double medianStepSeconds() {
        if (stepSeconds.length == 0) {
            return Double.NaN;
        }
        double[] sorted = java.util.Arrays.copyOfRange(stepSeconds, stepSeconds.length > 1 ? 1 : 0, stepSeconds.length);
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "%s%n  %d training and %d validation entries in %d partitions (scale %.6g)%n  %d steps, %s: %s%n"
                        + "  training RMSE %.6g, validation RMSE %.6g%n  prepared in %.3f s, fitted in %.3f s (median step %.4f s)",
                model, trainEntries, validationEntries, partitions, scale, steps, stopReason, message, trainRmse, validationRmse,
                prepareSeconds, fitSeconds, medianStepSeconds());
    }
}
