package deeptensor.internal.model;

import deeptensor.kernel.TensorOps;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * A factorized tensor model {@code W} of a fixed shape whose factors may be deep chains, with the
 * mean-squared-error loss on observed entries and its hand-derived gradient.
 *
 * <h2>Loss</h2>
 * {@code ℓ = (1/m) Σ_{e ∈ batch} (W[at_e] − Y_e)²}; its derivative with respect to each observed
 * model entry is {@code (2/m)(W[at_e] − Y_e)}. The gradient runs back through the
 * model's structure (CP, Tucker, tensor train) to each factor matrix, then through the factor's chain.
 *
 * <h2>Sampled or dense</h2>
 * A batch is evaluated either at its coordinates only ({@link Evaluation#SAMPLED}) or by a dense
 * reconstruction followed by a gather ({@link Evaluation#DENSE}); by default the cheaper one by a flop
 * estimate for the batch size. Dense buffers (the reconstruction and the dense loss derivative, each
 * the size of the tensor) are allocated on first dense use and then reused.
 *
 * <p>Owns its parameters and workspaces: close it.
 */
public abstract sealed class Model implements AutoCloseable permits CpModel, TuckerModel, TensorTrainModel {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    private final Shape shape;
    private final Parameters parameters;
    private final Factor[] factors;
    private final List<Factor> factorList;
    private Evaluation evaluation = Evaluation.AUTO;
    /** The last AUTO decision and the batch size it was made for (the estimate allocates, so not every step). */
    private int decidedSize = -1;
    private boolean decidedDense;
    private Tensor denseValues;
    private Tensor denseGradient;

    /** For subclasses: the factors must already be bound to {@code parameters}. */
    Model(Shape shape, Parameters parameters, Factor[] factors) {
        this.shape = shape;
        this.parameters = parameters;
        this.factors = factors.clone();
        this.factorList = List.of(this.factors);
    }

    /** The shape of the modelled tensor. */
    public Shape shape() {
        return shape;
    }

    /** All trainable parameters and their gradients. */
    public Parameters parameters() {
        return parameters;
    }

    /** The factors (CP and Tucker: one per mode; tensor train: one per core), read-only list. */
    public List<Factor> factors() {
        return factorList;
    }

    /** A one-line description, for example {@code Tucker 25×25×25, core 25×25×25, column chains, depth 3}. */
    public abstract String describe();

    /** Forces sampled or dense evaluation, or {@link Evaluation#AUTO} (the default). */
    public Model evaluation(Evaluation evaluation) {
        this.evaluation = evaluation;
        return this;
    }

    /** Estimated flops of one loss-and-gradient computation on {@code m} entries, evaluated at the coordinates only. */
    public abstract double sampledCost(int m);

    /** Estimated flops of one loss-and-gradient computation on {@code m} entries through a dense reconstruction. */
    public abstract double denseCost(int m);

    /**
     * Measured weights that turn the flop counts into comparable times (one thread, JDK 25, AMD Zen 4
     * and Zen 5 with AVX-512): sampled flops ran at about a seventh of the dense path's rate
     * (gathers and scatters of rows, not GEMMs), a sampled step spent about 6 000 flops' worth per
     * observed entry, and a dense one about 160 per entry of the tensor (the passes over the full
     * reconstruction and its gradient, bound by memory).
     */
    static final double SAMPLED_SLOWDOWN = 7, SAMPLED_ENTRY_OVERHEAD = 6000, DENSE_ENTRY_OVERHEAD = 160;

    /**
     * Estimated time of one dense loss-and-gradient step on {@code m} entries, in flop-equivalents:
     * {@link #denseCost} plus 160 per entry of the tensor. {@link Evaluation#AUTO} compares it with
     * {@link #sampledWork}.
     */
    public double denseWork(int m) {
        return denseCost(m) + DENSE_ENTRY_OVERHEAD * (double) shape.size();
    }

    /**
     * Estimated time of one sampled loss-and-gradient step on {@code m} entries, in
     * flop-equivalents: 7 × {@link #sampledCost} plus 6 000 per entry.
     */
    public double sampledWork(int m) {
        return SAMPLED_SLOWDOWN * sampledCost(m) + SAMPLED_ENTRY_OVERHEAD * (double) m;
    }

    /** Whether a batch of {@code m} entries is evaluated densely under the current setting. */
    public boolean usesDense(int m) {
        return switch (evaluation) {
            case SAMPLED -> false;
            case DENSE -> true;
            case AUTO -> {
                if (m != decidedSize) {
                    decidedDense = denseWork(m) < sampledWork(m);
                    decidedSize = m;
                }
                yield decidedDense;
            }
        };
    }

    /**
     * Off-heap bytes of the buffers this model allocates on first use, to train on batches of
     * {@code m} entries under the current evaluation setting and to {@linkplain #reconstruct
     * reconstruct} the whole tensor: the model's own dense workspaces (some models use them for the
     * reconstruction as well), and for dense evaluation the model tensor and the gradient with
     * respect to it. Sampled evaluation's per-entry buffers belong to the {@link Batch}. Used to
     * refuse a fit that cannot fit in memory before it starts.
     */
    public long bufferBytes(int m) {
        return (usesDense(m) ? 2 * shape.size() * Double.BYTES : 0) + denseWorkspaceBytes();
    }

    /** Off-heap bytes of the workspaces a subclass allocates for dense evaluation (beyond the two full tensors). */
    long denseWorkspaceBytes() {
        return 0;
    }

    // ----------------------------------------------------------------------------- public operations

    /**
     * The loss on {@code batch} and its gradient with respect to every parameter, written into
     * {@link Parameters#gradients()} (overwritten). Also leaves the predictions and the loss derivative
     * in the batch's buffers.
     */
    public double lossAndGradient(Batch batch) {
        forwardFactors();
        boolean dense = usesDense(batch.size());
        predict(batch, dense);
        double loss = residual(batch);
        if (dense) {
            TensorOps.scatter(batch.coordinates(), batch.residual(), denseGradient());
            denseBackward(denseGradient());
        } else {
            sampledBackward(batch.coordinates(), batch.residual());
        }
        for (Factor factor : factors) {
            factor.backward();
        }
        return loss;
    }

    /** The loss on {@code batch} (no gradient); leaves the predictions in the batch. */
    public double loss(Batch batch) {
        forwardFactors();
        predict(batch, usesDense(batch.size()));
        double sum = 0;
        MemorySegment p = batch.predictions().segment(), y = batch.targets().segment();
        for (int e = 0; e < batch.size(); e++) {
            double diff = p.getAtIndex(D, e) - y.getAtIndex(D, e);
            sum += diff * diff;
        }
        return sum / batch.size();
    }

    /** The whole model tensor, written into {@code out} (of the model's shape). */
    public void reconstruct(Tensor out) {
        if (!out.shape().equals(shape)) {
            throw new IllegalArgumentException("cannot reconstruct a model of shape " + shape + " into a tensor of shape " + out.shape());
        }
        forwardFactors();
        reconstructInto(out);
    }

    /** The model at the given coordinates, written into {@code values} (one per coordinate). */
    public void evaluate(Coordinates at, Tensor values) {
        if (!at.shape().equals(shape)) {
            throw new IllegalArgumentException("coordinates into shape " + at.shape() + " cannot be used with a model of shape " + shape);
        }
        forwardFactors();
        evaluateAt(at, values);
    }

    /** Computes every factor's end-to-end matrix from the current parameters. */
    public void forwardFactors() {
        for (Factor factor : factors) {
            factor.forward();
        }
    }

    // ------------------------------------------------------------------------------ for subclasses

    /** The model at the coordinates, from the factors' current matrices. */
    abstract void evaluateAt(Coordinates at, Tensor values);

    /** The whole tensor, from the factors' current matrices. */
    abstract void reconstructInto(Tensor out);

    /**
     * Given the loss derivative at each coordinate, writes {@code dℓ/dF} into every factor's
     * {@link Factor#matrixGradient()} and the gradients of any other parameter blocks (a core).
     */
    abstract void sampledBackward(Coordinates at, Tensor residual);

    /** The same as {@link #sampledBackward} from the dense loss derivative ({@code residual} scattered, zero elsewhere). */
    abstract void denseBackward(Tensor gradient);

    // ---------------------------------------------------------------------------------- internals

    private void predict(Batch batch, boolean dense) {
        if (dense) {
            reconstructInto(denseValues());
            TensorOps.gather(denseValues(), batch.coordinates(), batch.predictions());
        } else {
            evaluateAt(batch.coordinates(), batch.predictions());
        }
    }

    /** Writes {@code (2/m)(W − Y)} into the batch's residual and returns the loss. */
    private static double residual(Batch batch) {
        int m = batch.size();
        double sum = 0;
        double scale = 2.0 / m;
        MemorySegment p = batch.predictions().segment(), y = batch.targets().segment(), r = batch.residual().segment();
        for (int e = 0; e < m; e++) {
            double diff = p.getAtIndex(D, e) - y.getAtIndex(D, e);
            sum += diff * diff;
            r.setAtIndex(D, e, scale * diff);
        }
        return sum / m;
    }

    private Tensor denseValues() {
        if (denseValues == null) {
            denseValues = Tensor.zeros(shape);
        }
        return denseValues;
    }

    private Tensor denseGradient() {
        if (denseGradient == null) {
            denseGradient = Tensor.zeros(shape);
        }
        return denseGradient;
    }

    /**
     * The model as it computes now, reduced to plain factors (deep factors multiplied out) and copied:
     * what a saved model holds and what serves predictions. Close the result.
     */
    public Factorization factorization() {
        forwardFactors();
        return plainFactors();
    }

    /** The plain factors, after {@link #forwardFactors()}. */
    abstract Factorization plainFactors();

    /** Releases subclass workspaces. */
    abstract void closeWorkspaces();

    @Override
    public void close() {
        closeWorkspaces();
        for (Factor factor : factors) {
            factor.close();
        }
        if (denseValues != null) {
            denseValues.close();
        }
        if (denseGradient != null) {
            denseGradient.close();
        }
        parameters.close();
    }

    @Override
    public String toString() {
        return describe();
    }
}
