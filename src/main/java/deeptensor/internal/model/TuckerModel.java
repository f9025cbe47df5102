package deeptensor.internal.model;

import deeptensor.internal.kernel.TuckerKernels;
import deeptensor.model.FactorForm;
import deeptensor.internal.ModelShapes;
import deeptensor.internal.kernel.ModeProductPlan;
import deeptensor.kernel.TensorOps;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;

/**
 * The Tucker model {@code W = G ×_1 U^1 ×_2 ⋯ ×_N U^N}: a free core {@code G}
 * ({@code R_1 × ⋯ × R_N}) and one factor {@code U^n} ({@code d_n × R_n}) per mode in the chosen
 * {@link FactorForm}.
 *
 * <h2>Gradients</h2>
 * At the coordinates they are the Tucker scatter kernels (the adjoints of the sampled evaluation).
 *
 * <p>Densely, the whole tensor is one chain of mode products, {@code T_k = T_{k−1} ×_{m_k} U^{m_k}}
 * from {@code T_0 = G} to {@code T_N = W}, in the order of least flops
 * ({@link ModeProductPlan#cheapestOrder}), and the dense pass keeps the intermediates
 * {@code T_1 … T_{N−1}}. The backward pass walks the chain in reverse with the loss derivative
 * {@code D_N = E} (scattered into a full tensor): at step {@code k},
 * {@code dℓ/dU^{m_k} = D_k,(m_k) · T_{k−1},(m_k)ᵀ} (a contraction over all modes but {@code m_k})
 * and {@code D_{k−1} = D_k ×_{m_k} U^{m_k}ᵀ}, ending with {@code dℓ/dG = D_0}. Each step costs the
 * flops of its forward product twice, so a dense step (forward and backward) costs three times the
 * reconstruction, as reverse-mode differentiation of the chain does; nothing is recomputed. The
 * intermediates, the derivatives {@code D_1 … D_{N−1}} and the transposed factors are allocated on
 * first dense use and reused; a dense step creates no objects.
 */
public final class TuckerModel extends Model {

    private final int coreBlock;
    private final Tensor core;
    private final Tensor coreGradient;
    private final Tensor[] matrices;
    private final Tensor[] gradients;
    /** The modes in the order the dense chain applies them (null until the first dense use). */
    private int[] chain;
    /** {@code T_1 … T_{N−1}}: the forward intermediates of the last dense reconstruction. */
    private Tensor[] intermediates;
    /** {@code D_1 … D_{N−1}}: the loss derivative with respect to each intermediate. */
    private Tensor[] derivatives;
    private Tensor[] transposed;
    /** Step {@code k}'s contraction {@code D_k,(m_k) · T_{k−1},(m_k)ᵀ} into the factor's gradient. */

    private TuckerModel(Shape shape, int coreBlock, Parameters parameters, Factor[] factors) {
        super(shape, parameters, factors);
        this.coreBlock = coreBlock;
        this.core = parameters.value(coreBlock);
        this.coreGradient = parameters.gradient(coreBlock);
        this.matrices = new Tensor[factors.length];
        this.gradients = new Tensor[factors.length];
        for (int n = 0; n < factors.length; n++) {
            matrices[n] = factors[n].matrix();
            gradients[n] = factors[n].matrixGradient();
        }
    }

    /** A Tucker model of the given shape and core shape (multilinear ranks) with every factor in {@code form}. */
    static TuckerModel create(Shape shape, int[] ranks, FactorForm form) {
        ModelShapes.checkShape("Tucker", shape);
        if (ranks.length != shape.order()) {
            throw new IllegalArgumentException("a Tucker model of shape " + shape + " needs " + shape.order() + " ranks, got "
                    + java.util.Arrays.toString(ranks));
        }
        for (int rank : ranks) {
            if (rank < 1) {
                throw new IllegalArgumentException("Tucker ranks must be at least 1, got " + java.util.Arrays.toString(ranks));
            }
        }
        Parameters.Builder builder = Parameters.builder();
        int coreBlock = builder.add("G", ranks);
        Factor[] factors = new Factor[shape.order()];
        for (int n = 0; n < factors.length; n++) {
            factors[n] = Models.declare(form, "U" + (n + 1), shape.dim(n), ranks[n], shape.dim(n), builder);
        }
        Parameters parameters = builder.build();
        for (Factor factor : factors) {
            factor.bind(parameters);
        }
        return new TuckerModel(shape, coreBlock, parameters, factors);
    }

    /** The core {@code G} (a view of the parameters: writing it changes the model). */
    public Tensor core() {
        return core;
    }

    /** The index of the core's block in {@link #parameters()}. */
    public int coreBlock() {
        return coreBlock;
    }

    /** The multilinear ranks (core shape). */
    public Shape coreShape() {
        return core.shape();
    }

    /**
     * The Frobenius norms of the core's slices along {@code mode}: entry {@code j} is
     * {@code ‖G_(mode), j‖}, the norm of all core entries whose index on {@code mode} is {@code j}
     * (the "implicit multilinear rank" groups of Hariz et al., AISTATS 2024).
     */
    public double[] coreSliceNorms(int mode) {
        return sliceNorms(core, mode);
    }

    /** The Frobenius norms of the slices of {@code tensor} along {@code mode}. */
    public static double[] sliceNorms(Tensor tensor, int mode) {
        if (mode < 0 || mode >= tensor.order()) {
            throw new IllegalArgumentException("mode " + mode + " does not exist in a tensor of shape " + tensor.shape());
        }
        double[] sums = new double[tensor.dim(mode)];
        long right = tensor.shape().sizeOf(mode + 1, tensor.order());
        int dim = tensor.dim(mode);
        java.lang.foreign.MemorySegment s = tensor.segment();
        for (long offset = 0; offset < tensor.size(); offset++) {
            double v = s.getAtIndex(java.lang.foreign.ValueLayout.JAVA_DOUBLE, offset);
            sums[(int) ((offset / right) % dim)] += v * v;
        }
        for (int j = 0; j < dim; j++) {
            sums[j] = Math.sqrt(sums[j]);
        }
        return sums;
    }

    @Override
    public String describe() {
        return "Tucker " + shape() + ", core " + core.shape() + ", " + factors().get(0).form();
    }

    @Override
    public double sampledCost(int m) {
        int order = shape().order();
        return 2.0 * m * core.size() * (order + 2);
    }

    @Override
    public double denseCost(int m) {
        // The chain forward, then backward at twice its cost (see the class comment).
        return 3 * ModeProductPlan.flops(core.shape(), matrices) + 4.0 * m;
    }

    @Override
    void evaluateAt(Coordinates at, Tensor values) {
        TensorOps.tuckerEvaluate(core, matrices, at, values);
    }

    @Override
    void reconstructInto(Tensor out) {
        prepareDense();
        Tensor x = core;
        for (int k = 1; k <= chain.length; k++) {
            Tensor y = k == chain.length ? out : intermediates[k - 1];
            TensorOps.modeProduct(x, chain[k - 1], matrices[chain[k - 1]], y);
            x = y;
        }
    }

    @Override
    void sampledBackward(Coordinates at, Tensor residual) {
        TuckerKernels.chosen().tuckerScatterCore(matrices, at, residual, coreGradient);
        for (int n = 0; n < matrices.length; n++) {
            TuckerKernels.chosen().tuckerScatterFactor(core, matrices, n, at, residual, gradients[n]);
        }
    }

    /** Uses the intermediates of the dense reconstruction that {@code lossAndGradient} ran just before. */
    @Override
    void denseBackward(Tensor gradient) {
        prepareDense();
        int steps = chain.length;
        for (int n = 0; n < matrices.length; n++) {
            Matrices.transpose(matrices[n], transposed[n]);
        }
        TuckerKernels kernels = TuckerKernels.chosen();
        for (int k = steps; k >= 1; k--) {
            int mode = chain[k - 1];
            kernels.contractAllButMode(derivative(k, gradient), intermediate(k - 1), mode, gradients[mode]);
            TensorOps.modeProduct(derivative(k, gradient), mode, transposed[mode], derivative(k - 1, gradient));
        }
    }

    /** {@code T_k}: the core for {@code k = 0}, a kept intermediate below {@code N}. */
    private Tensor intermediate(int k) {
        return k == 0 ? core : intermediates[k - 1];
    }

    /** {@code D_k}: the core's gradient for {@code k = 0}, the dense loss derivative for {@code k = N}. */
    private Tensor derivative(int k, Tensor gradient) {
        return k == 0 ? coreGradient : k == chain.length ? gradient : derivatives[k - 1];
    }

    @Override
    long denseWorkspaceBytes() {
        // What prepareDense allocates: the transposed factors, and T_k and D_k for 0 < k < N.
        long elements = 0;
        for (int n = 0; n < matrices.length; n++) {
            elements += (long) core.dim(n) * shape().dim(n);
        }
        for (int[] dims : intermediateShapes(ModeProductPlan.cheapestOrder(core.shape(), matrices))) {
            elements += 2 * Shape.of(dims).size();
        }
        return elements * Double.BYTES;
    }

    /** The shapes of {@code T_1 … T_{N−1}} along {@code order}. */
    private int[][] intermediateShapes(int[] order) {
        int[][] shapes = new int[order.length - 1][];
        int[] dims = core.shape().dims();
        for (int k = 1; k < order.length; k++) {
            dims[order[k - 1]] = shape().dim(order[k - 1]);
            shapes[k - 1] = dims.clone();
        }
        return shapes;
    }

    /** Allocates, once, the buffers of the dense path. */
    private void prepareDense() {
        if (chain != null) {
            return;
        }
        int order = matrices.length;
        int[] steps = ModeProductPlan.cheapestOrder(core.shape(), matrices);
        int[][] shapes = intermediateShapes(steps);
        for (int[] dims : shapes) {
            if (Shape.of(dims).size() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("the dense Tucker path for shape " + shape() + " and core " + core.shape()
                        + " needs an intermediate of " + Shape.of(dims).size() + " elements, too many; use sampled evaluation");
            }
        }
        transposed = new Tensor[order];
        intermediates = new Tensor[shapes.length];
        derivatives = new Tensor[shapes.length];
        for (int n = 0; n < order; n++) {
            transposed[n] = Tensor.zeros(core.dim(n), shape().dim(n));
        }
        for (int k = 0; k < shapes.length; k++) {
            intermediates[k] = Tensor.zeros(shapes[k]);
            derivatives[k] = Tensor.zeros(shapes[k]);
        }
        chain = steps;
    }

    @Override
    Factorization plainFactors() {
        return Factorization.ofFactors(Factorization.Kind.TUCKER, shape(), core.shape().dims(), core, matrices);
    }

    @Override
    void closeWorkspaces() {
        // Also after a prepareDense that failed part-way.
        for (Tensor[] buffers : new Tensor[][] {transposed, intermediates, derivatives}) {
            if (buffers != null) {
                for (Tensor buffer : buffers) {
                    if (buffer != null) {
                        buffer.close();
                    }
                }
            }
        }
    }
}
