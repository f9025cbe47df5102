package deeptensor.internal.train;

import deeptensor.internal.model.Model;
import deeptensor.tensor.Tensor;

/** A copy of a model's parameters and optimizer state at one step, to go back to. Allocated once per run. */
final class Snapshot implements AutoCloseable {

    private final Tensor values;
    private final OptimizerState optimizer;
    private long step = -1;
    private double loss = Double.NaN;

    Snapshot(Model model, Optimizer settings) {
        this.values = Tensor.zeros(model.parameters().size());
        this.optimizer = OptimizerState.start(settings, model.parameters().size());
    }

    void take(Model model, OptimizerState state, long step, double loss) {
        values.copyFrom(model.parameters().values());
        state.copyTo(optimizer);
        this.step = step;
        this.loss = loss;
    }

    void restore(Model model, OptimizerState state) {
        model.parameters().values().copyFrom(values);
        optimizer.copyTo(state);
    }

    long step() {
        return step;
    }

    double loss() {
        return loss;
    }

    @Override
    public void close() {
        values.close();
        optimizer.close();
    }
}
