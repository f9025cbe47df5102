package deeptensor;

import deeptensor.tensor.Tensor;

/**
 * What {@link Completion#fit()} returns: the completed tensor (every entry, observed or not, is the
 * fitted model's value), the model itself (to save and serve) and the report. Owns the tensor and
 * the model: close the result.
 */
public final class CompletionResult implements AutoCloseable {

    private final Tensor completed;
    private final CompletionReport report;
    private final CompletionModel model;

    CompletionResult(Tensor completed, CompletionModel model, CompletionReport report) {
        this.completed = completed;
        this.model = model;
        this.report = report;
    }

    /**
     * The fitted model, which computes {@link #completed()} ({@link CompletionModel#toTensor}) and
     * any single entry; save it to serve predictions elsewhere. Valid until {@link #close()}.
     */
    public CompletionModel model() {
        return model;
    }

    /** The completed tensor, in the data's units; valid until {@link #close()}. */
    public Tensor completed() {
        return completed;
    }

    /** Errors, ranks found, steps and time. */
    public CompletionReport report() {
        return report;
    }

    /** Releases the completed tensor and the model. */
    @Override
    public void close() {
        completed.close();
        model.close();
    }

    @Override
    public String toString() {
        return "CompletionResult[" + completed.shape() + "]\n" + report;
    }
}
