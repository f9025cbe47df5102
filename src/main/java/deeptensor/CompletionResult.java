package deeptensor;

import deeptensor.tensor.Tensor;

/**
 * What {@link Completion#fit()} returns: the completed tensor (every entry, observed or not, is the
 * fitted model's value) and the report. Owns the tensor: close the result.
 */
public final class CompletionResult implements AutoCloseable {

    private final Tensor completed;
    private final CompletionReport report;

    CompletionResult(Tensor completed, CompletionReport report) {
        this.completed = completed;
        this.report = report;
    }

    /** The completed tensor, in the data's units; valid until {@link #close()}. */
    public Tensor completed() {
        return completed;
    }

    /** Errors, ranks found, steps and time. */
    public CompletionReport report() {
        return report;
    }

    /** Releases the completed tensor. */
    @Override
    public void close() {
        completed.close();
    }

    @Override
    public String toString() {
        return "CompletionResult[" + completed.shape() + "]\n" + report;
    }
}
