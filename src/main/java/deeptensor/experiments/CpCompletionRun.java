package deeptensor.experiments;

import deeptensor.internal.metrics.CompletionErrors;
import deeptensor.internal.metrics.ComponentNorms;
import deeptensor.internal.model.Batch;
import deeptensor.internal.model.CpModel;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;
import deeptensor.internal.train.Optimizer;
import deeptensor.internal.train.OptimizerState;
import java.util.ArrayList;
import java.util.List;

/**
 * One full-batch training run of a CP model (shallow or deep) on the observed entries of a known
 * tensor, as in the tensor-completion protocol of Razin et al. (ICML 2021) that Hariz et al. (ICML
 * 2022) extend to depth: every step uses all m observations; the run stops when the training loss
 * (1/m)Σ_Ω(W − W*)² falls below a tolerance or the step budget is spent. Along the way it records,
 * every {@code logEvery} steps, the training loss, the largest component norms ‖W_r‖ = Π_n ‖w_r^n‖
 * and the relative errors on all entries and on the unobserved ones.
 *
 * <p>Written as an explicit loop (not {@code Trainer}) so that the component norms can be read at
 * exactly the steps logged and the stopping rule is the papers' plain "train loss below ε".
 */
final class CpCompletionRun {

    /** The state of the run at one logged step. */
    record Point(long step, double trainLoss, double[] topNorms, double allError, double unobservedError) {
    }

    /**
     * How the run ended.
     *
     * @param steps     steps taken
     * @param trainLoss the last training loss (1/m)Σ_Ω(W − W*)²
     * @param converged whether the loss reached the tolerance
     * @param diverged  whether the loss became non-finite (the run stopped there)
     * @param norms     every component norm at the end
     * @param errors    completion errors of the final model (NaN if the run diverged)
     * @param history   the logged points, in step order (the final state is the last point)
     */
    record Outcome(long steps, double trainLoss, boolean converged, boolean diverged, ComponentNorms norms,
                   CompletionErrors errors, List<Point> history) {
    }

    private CpCompletionRun() {
    }

    /**
     * Trains {@code model} (already initialized) on the entries {@code offsets} of {@code truth}.
     *
     * @param topK number of largest component norms kept at each logged step
     */
    static Outcome train(CpModel model, Tensor truth, long[] offsets, Optimizer optimizer, long maxSteps, double tolerance,
                         int logEvery, int topK) {
        return train(model, truth, offsets, optimizer, new long[] {maxSteps}, tolerance, logEvery, topK).getLast();
    }

    /**
     * Like {@link #train(CpModel, Tensor, long[], Optimizer, long, double, int, int)}, but one run
     * reports its state at several step budgets (ascending): the outcome a run with that budget would
     * have ended with. A run that converges before a budget reports its converged state there.
     */
    static List<Outcome> train(CpModel model, Tensor truth, long[] offsets, Optimizer optimizer, long[] budgets, double tolerance,
                               int logEvery, int topK) {
        int rank = model.rank();
        double[] norms = new double[rank];
        List<Point> history = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        try (Coordinates at = Coordinates.ofOffsets(truth.shape(), offsets);
             Tensor targets = Tensor.zeros(offsets.length);
             Tensor estimate = Tensor.zeros(truth.shape())) {
            for (int e = 0; e < offsets.length; e++) {
                targets.setFlat(e, truth.getFlat(offsets[e]));
            }
            try (Batch batch = new Batch(at, targets); OptimizerState state = OptimizerState.start(optimizer, model.parameters().size())) {
                long step = 0;
                int next = 0;
                while (next < budgets.length) {
                    double loss = model.lossAndGradient(batch);
                    boolean diverged = !Double.isFinite(loss);
                    boolean converged = loss < tolerance;
                    boolean report = diverged || converged || step >= budgets[next];
                    if (!diverged && (step % logEvery == 0 || report)) {
                        model.componentNorms(norms);
                        model.reconstruct(estimate);
                        CompletionErrors now = CompletionErrors.of(estimate, truth, at);
                        history.add(new Point(step, loss, ComponentNorms.of(norms).top(topK), now.relativeAll(), now.relativeUnobserved()));
                    }
                    if (report) {
                        Outcome outcome = outcome(model, truth, at, estimate, norms, step, loss, converged, diverged, history);
                        do {
                            outcomes.add(outcome);
                            next++;
                        } while (next < budgets.length && (converged || diverged || step >= budgets[next]));
                        if (next == budgets.length) {
                            break;
                        }
                    }
                    state.step(model.parameters().values(), model.parameters().gradients());
                    step++;
                }
                return outcomes;
            }
        }
    }

    private static Outcome outcome(CpModel model, Tensor truth, Coordinates at, Tensor estimate, double[] norms, long step, double loss,
                                   boolean converged, boolean diverged, List<Point> history) {
        if (diverged) {
            return new Outcome(step, loss, false, true, ComponentNorms.of(new double[norms.length]),
                    new CompletionErrors(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN), List.copyOf(history));
        }
        model.componentNorms(norms);
        model.reconstruct(estimate);
        CompletionErrors errors = CompletionErrors.of(estimate, truth, at);
        return new Outcome(step, loss, converged, false, ComponentNorms.of(norms), errors, List.copyOf(history));
    }

    /** The largest component norm reached at any logged step (a component overshooting ‖W*‖ shows here). */
    static double peakNorm(Outcome outcome) {
        return outcome.history().stream().mapToDouble(p -> p.topNorms().length > 0 ? p.topNorms()[0] : 0).max().orElse(0);
    }

    /** The logged steps of a run. */
    static double[] steps(Outcome outcome) {
        return outcome.history().stream().mapToDouble(Point::step).toArray();
    }

    /** The k-th largest component norm (0-based) at every logged step, divided by {@code reference}. */
    static double[] norm(Outcome outcome, int k, double reference) {
        return outcome.history().stream().mapToDouble(p -> k < p.topNorms().length ? p.topNorms()[k] / reference : Double.NaN).toArray();
    }

}
