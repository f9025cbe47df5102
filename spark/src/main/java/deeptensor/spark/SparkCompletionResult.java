package deeptensor.spark;

import deeptensor.CompletionModel;

/**
 * What {@link SparkCompletion#fit()} returns: the fitted {@link CompletionModel} (the type a local
 * fit returns: save it with {@code model().save(path)}, serve it with {@code predict}, or predict a
 * Dataset of entries with {@link SparkCompletion#predict}) and the report. Owns the model: close it.
 */
public final class SparkCompletionResult implements AutoCloseable {

    private final CompletionModel model;
    private final SparkReport report;

    SparkCompletionResult(CompletionModel model, SparkReport report) {
        this.model = model;
        this.report = report;
    }

    /** The fitted model, in the data's units; valid until {@link #close()}. */
    public CompletionModel model() {
        return model;
    }

    /** Steps, losses, times. */
    public SparkReport report() {
        return report;
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "SparkCompletionResult[" + model.shape() + "]\n" + report;
    }
}
