package deeptensor.internal.model;

import deeptensor.internal.kernel.CpKernels;
import deeptensor.model.FactorForm;
import deeptensor.internal.ModelShapes;
import deeptensor.kernel.TensorOps;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;

/**
 * The CP model {@code W = Σ_r w_r^1 ∘ ⋯ ∘ w_r^N}: one factor {@code F^n = [w_1^n … w_R^n]}
 * ({@code d_n × R}) per mode, each in the chosen {@link FactorForm}.
 *
 * <p>Gradients: at the coordinates, {@code dℓ/dF^n} is the CP scatter of the loss derivative (the
 * adjoint of the sampled evaluation); densely it is the MTTKRP of the dense loss derivative with the
 * other factors. Both are kernels.
 */
public final class CpModel extends Model {

    private final int rank;
    private final Tensor[] matrices;
    private final Tensor[] gradients;

    private CpModel(Shape shape, int rank, Parameters parameters, Factor[] factors) {
        super(shape, parameters, factors);
        this.rank = rank;
        this.matrices = new Tensor[factors.length];
        this.gradients = new Tensor[factors.length];
        for (int n = 0; n < factors.length; n++) {
            matrices[n] = factors[n].matrix();
            gradients[n] = factors[n].matrixGradient();
        }
    }

    /** A CP model of the given shape and rank with every factor in {@code form}. */
    static CpModel create(Shape shape, int rank, FactorForm form) {
        ModelShapes.checkShape("CP", shape);
        if (rank < 1) {
            throw new IllegalArgumentException("a CP model needs rank at least 1, got " + rank);
        }
        Parameters.Builder builder = Parameters.builder();
        Factor[] factors = new Factor[shape.order()];
        for (int n = 0; n < factors.length; n++) {
            factors[n] = Models.declare(form, "F" + (n + 1), shape.dim(n), rank, shape.dim(n), builder);
        }
        Parameters parameters = builder.build();
        for (Factor factor : factors) {
            factor.bind(parameters);
        }
        return new CpModel(shape, rank, parameters, factors);
    }

    /** The number of components {@code R}. */
    public int rank() {
        return rank;
    }

    /**
     * The norm of every component, {@code ‖W_r‖ = Π_n ‖w_r^n‖} (Razin et al., ICML 2021; Hariz et al., ICML 2022), from the current
     * parameters, written into {@code out} (length {@code R}).
     */
    public void componentNorms(double[] out) {
        if (out.length != rank) {
            throw new IllegalArgumentException("component norms of a rank-" + rank + " CP model need an array of " + rank + ", got " + out.length);
        }
        forwardFactors();
        java.util.Arrays.fill(out, 1.0);
        for (Tensor f : matrices) {
            for (int r = 0; r < rank; r++) {
                double sum = 0;
                for (int i = 0; i < f.rows(); i++) {
                    double v = f.get(i, r);
                    sum += v * v;
                }
                out[r] *= Math.sqrt(sum);
            }
        }
    }

    @Override
    public String describe() {
        return "CP " + shape() + ", rank " + rank + ", " + factors().get(0).form();
    }

    @Override
    public double sampledCost(int m) {
        int order = shape().order();
        return (double) m * rank * order * (order + 1);
    }

    /**
     * The reconstruction ({@code 2·size·R} flops) and the MTTKRPs: {@code 2·size·R} per mode, or two
     * GEMMs for every mode at once where the kernels use a dimension tree (order 3 and more, R at most
     * the last dimension). Weighted by {@code N/2}, the factor {@link Model#SAMPLED_SLOWDOWN} and the
     * other measured weights were fitted with.
     */
    @Override
    public double denseCost(int m) {
        int order = shape().order();
        boolean tree = order >= 3 && rank <= shape().dim(order - 1);
        double gemms = tree ? 3 : 1 + order;
        return shape().size() * (double) rank * 2 * gemms * order / 2.0 + 2.0 * m;
    }

    @Override
    void evaluateAt(Coordinates at, Tensor values) {
        TensorOps.cpEvaluate(matrices, at, values);
    }

    @Override
    void reconstructInto(Tensor out) {
        TensorOps.cpReconstruct(matrices, out);
    }

    @Override
    void sampledBackward(Coordinates at, Tensor residual) {
        for (int n = 0; n < matrices.length; n++) {
            CpKernels.chosen().cpScatter(matrices, n, at, residual, gradients[n]);
        }
    }

    @Override
    void denseBackward(Tensor gradient) {
        CpKernels.chosen().mttkrpEveryMode(gradient, matrices, gradients);
    }

    @Override
    Factorization plainFactors() {
        return Factorization.ofFactors(Factorization.Kind.CP, shape(), new int[] {matrices[0].cols()}, null, matrices);
    }

    @Override
    void closeWorkspaces() {
        // Factors own all buffers.
    }
}
