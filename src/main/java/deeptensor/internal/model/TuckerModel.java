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
 * Densely, with {@code E} the loss derivative scattered into a full tensor:
 * {@code dℓ/dG = E ×_1 U^1ᵀ ⋯ ×_N U^Nᵀ}, and {@code dℓ/dU^n = E_(n) · B_(n)ᵀ} with
 * {@code B = G ×_{m≠n} U^m}: a multi-mode product and a contraction over all modes but {@code n}.
 * The buffers for {@code B} (one per mode), the transposed factors and one workspace shared by the
 * planned multi-mode products ({@link ModeProductPlan}) are allocated on first dense use and reused;
 * a dense step creates no objects.
 */
public final class TuckerModel extends Model {

    private final int coreBlock;
    private final Tensor core;
    private final Tensor coreGradient;
    private final Tensor[] matrices;
    private final Tensor[] gradients;
    private Tensor workspace;
    private Tensor[] transposed;
    private Tensor[] partial;
    private ModeProductPlan reconstruction;
    private ModeProductPlan coreGradientPlan;
    private ModeProductPlan[] partialPlans;
    private Matrices.Contraction[] contractions;

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
        Shape shape = shape();
        // Reconstruction; dℓ/dG costs the same (the same products in reverse order, transposed).
        double flops = 2 * ModeProductPlan.flops(core.shape(), matrices);
        for (int n = 0; n < matrices.length; n++) {
            Tensor[] others = matrices.clone();
            others[n] = null;
            flops += ModeProductPlan.flops(core.shape(), others);
            flops += 2.0 * shape.size() * core.dim(n);
        }
        return flops + 4.0 * m;
    }

    @Override
    void evaluateAt(Coordinates at, Tensor values) {
        TensorOps.tuckerEvaluate(core, matrices, at, values);
    }

    @Override
    void reconstructInto(Tensor out) {
        prepareDense();
        reconstruction.run(out);
    }

    @Override
    void sampledBackward(Coordinates at, Tensor residual) {
        TuckerKernels.chosen().tuckerScatterCore(matrices, at, residual, coreGradient);
        for (int n = 0; n < matrices.length; n++) {
            TuckerKernels.chosen().tuckerScatterFactor(core, matrices, n, at, residual, gradients[n]);
        }
    }

    @Override
    void denseBackward(Tensor gradient) {
        prepareDense();
        if (contractions == null) {
            // The dense loss derivative is the model's own buffer, fixed from the first dense step on.
            contractions = new Matrices.Contraction[matrices.length];
            for (int n = 0; n < matrices.length; n++) {
                contractions[n] = new Matrices.Contraction(gradient, partial[n], n, gradients[n]);
            }
            coreGradientPlan = ModeProductPlan.of(gradient, transposed, workspace);
        }
        for (int n = 0; n < matrices.length; n++) {
            Matrices.transpose(matrices[n], transposed[n]);
        }
        coreGradientPlan.run(coreGradient);
        for (int n = 0; n < matrices.length; n++) {
            partialPlans[n].run(partial[n]);
            contractions[n].run();
        }
    }

    @Override
    long denseWorkspaceBytes() {
        // The buffers prepareDense allocates, by the same plan arithmetic; the transposed factors'
        // shapes are taken from views of the factors (a view allocates nothing).
        int order = matrices.length;
        long elements = 0;
        long size = ModeProductPlan.workspaceSize(core.shape(), matrices);
        Tensor[] transposedShapes = new Tensor[order];
        for (int n = 0; n < order; n++) {
            elements += (long) core.dim(n) * shape().dim(n) + shape().withDim(n, core.dim(n)).size();
            Tensor[] allBut = matrices.clone();
            allBut[n] = null;
            size = Math.max(size, ModeProductPlan.workspaceSize(core.shape(), allBut));
            transposedShapes[n] = matrices[n].reshape(core.dim(n), shape().dim(n));
        }
        size = Math.max(size, ModeProductPlan.workspaceSize(shape(), transposedShapes));
        return (elements + size) * Double.BYTES;
    }

    /** Allocates, once, the buffers of the dense path and one workspace large enough for all its products. */
    private void prepareDense() {
        if (workspace != null) {
            return;
        }
        int order = matrices.length;
        transposed = new Tensor[order];
        partial = new Tensor[order];
        Tensor[][] allBut = new Tensor[order][];
        long size = ModeProductPlan.workspaceSize(core.shape(), matrices);
        for (int n = 0; n < order; n++) {
            transposed[n] = Tensor.zeros(core.dim(n), shape().dim(n));
            allBut[n] = matrices.clone();
            allBut[n][n] = null;
            partial[n] = Tensor.zeros(shape().withDim(n, core.dim(n)));
            size = Math.max(size, ModeProductPlan.workspaceSize(core.shape(), allBut[n]));
        }
        size = Math.max(size, ModeProductPlan.workspaceSize(shape(), transposed));
        if (size > Integer.MAX_VALUE) {
            closeWorkspaces();
            transposed = null;
            partial = null;
            throw new IllegalArgumentException("the dense Tucker path for shape " + shape() + " and core " + core.shape()
                    + " needs a workspace of " + size + " elements, too many; use sampled evaluation");
        }
        workspace = Tensor.zeros((int) size);
        reconstruction = ModeProductPlan.of(core, matrices, workspace);
        partialPlans = new ModeProductPlan[order];
        for (int n = 0; n < order; n++) {
            partialPlans[n] = ModeProductPlan.of(core, allBut[n], workspace);
        }
    }

    @Override
    Factorization plainFactors() {
        return Factorization.ofFactors(Factorization.Kind.TUCKER, shape(), core.shape().dims(), core, matrices);
    }

    @Override
    void closeWorkspaces() {
        // Also after a prepareDense that failed part-way (its size check comes after these buffers).
        if (workspace != null) {
            workspace.close();
        }
        for (Tensor[] buffers : new Tensor[][] {transposed, partial}) {
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
