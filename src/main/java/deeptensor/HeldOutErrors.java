package deeptensor;

/**
 * Squared errors of one candidate on held-out entries, pooled over folds: their mean (the
 * cross-validated mean squared error) and its standard error, for the one-standard-error rule.
 * Also counts the folds added, so that candidates are only compared over the same folds.
 */
final class HeldOutErrors {

    private double sum, sumOfSquares;
    private long entries;
    private int folds;

    /** Adds one fold's squared errors. */
    void add(double[] squaredErrors) {
        for (double e : squaredErrors) {
            sum += e;
            sumOfSquares += e * e;
        }
        entries += squaredErrors.length;
        folds++;
    }

    int folds() {
        return folds;
    }

    /** The mean squared error (+∞ before any fold). */
    double mean() {
        return entries == 0 ? Double.POSITIVE_INFINITY : sum / entries;
    }

    /** The standard error of {@link #mean()} (+∞ with fewer than two entries). */
    double standardError() {
        if (entries < 2) {
            return Double.POSITIVE_INFINITY;
        }
        double mean = sum / entries;
        double variance = Math.max(0, (sumOfSquares - entries * mean * mean) / (entries - 1));
        return Math.sqrt(variance / entries);
    }
}
