package deeptensor;

import deeptensor.internal.model.Batch;
import deeptensor.internal.model.Model;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A model fitted to targets at observed entries by minimizing the ridge-regularized loss
 * <pre>  f(θ) = (1/m) Σ_Ω (W_i(θ) − y_i)² + (λ/m) ‖θ‖²</pre>
 * with {@link Lbfgs}. Dividing the penalty by m as well keeps λ meaning the same thing whatever the
 * number of observations: it trades the sum of squared residuals against {@code λ‖θ‖²}. For a
 * Tucker model the squared norms of core and factors together penalize, at the optimum, a sum of
 * Schatten-type norms of the factorization, which is what shrinks the unneeded ranks toward zero.
 *
 * <p>Owns the batch buffers it evaluates with; not the model, coordinates or targets.
 */
final class RidgeFit implements AutoCloseable {

    private final Model model;
    private final Batch batch;
    private final Lbfgs lbfgs;
    private final MemorySegment parameters, gradients;
    private final int size;
    private double lambda;
    private final double[] point;

    RidgeFit(Model model, Coordinates at, Tensor targets) {
        this.model = model;
        this.batch = new Batch(at, targets);
        this.size = model.parameters().size();
        this.lbfgs = new Lbfgs(size);
        this.parameters = model.parameters().values().segment();
        this.gradients = model.parameters().gradients().segment();
        this.point = new double[size];
    }

    /** The model's current parameters, copied out. */
    double[] state() {
        double[] copy = new double[size];
        MemorySegment.copy(parameters, ValueLayout.JAVA_DOUBLE, 0, copy, 0, size);
        return copy;
    }

    /** Sets the model's parameters. */
    void restore(double[] state) {
        setParameters(model, state);
    }

    /** Sets {@code model}'s parameters to {@code state} (one value per parameter). */
    static void setParameters(Model model, double[] state) {
        MemorySegment.copy(state, 0, model.parameters().values().segment(), ValueLayout.JAVA_DOUBLE, 0, state.length);
    }

    /**
     * Minimizes f for penalty weight {@code lambda} from the model's current parameters, leaving the
     * result in the model.
     */
    Lbfgs.Result fit(double lambda, int maxIterations, Lbfgs.Control control) {
        this.lambda = lambda;
        MemorySegment.copy(parameters, ValueLayout.JAVA_DOUBLE, 0, point, 0, size);
        Lbfgs.Result result = lbfgs.minimize(this::valueAndGradient, point, maxIterations, 1e-7, control);
        restore(point);
        return result;
    }

    private double valueAndGradient(double[] x, double[] gradient) {
        restore(x);
        double loss = model.lossAndGradient(batch);
        MemorySegment.copy(gradients, ValueLayout.JAVA_DOUBLE, 0, gradient, 0, size);
        double weight = lambda / batch.size(), norm = 0;
        for (int i = 0; i < size; i++) {
            norm += x[i] * x[i];
            gradient[i] += 2 * weight * x[i];
        }
        return loss + weight * norm;
    }

    @Override
    public void close() {
        batch.close();
    }
}
