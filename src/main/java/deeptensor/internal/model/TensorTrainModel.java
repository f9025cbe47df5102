package deeptensor.internal.model;

import deeptensor.internal.kernel.TensorTrainKernels;
import deeptensor.model.FactorForm;
import deeptensor.internal.ModelShapes;
import deeptensor.kernel.TensorOps;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;

/**
 * The tensor-train model {@code W[i_1..i_N] = G_1[i_1] G_2[i_2] ⋯ G_N[i_N]} with cores
 * {@code G_k} of shape {@code r_{k-1} × d_k × r_k}, {@code r_0 = r_N = 1}. Depth enters through the
 * cores' matricizations: core {@code k} is the {@code (r_{k-1}·d_k) × r_k} matrix of a {@link Factor}
 * in the chosen form, reshaped (row-major, so no copy).
 *
 * <h2>Dense path</h2>
 * With left partial products {@code P_k = G_1 ⋯ G_k} (a {@code (d_1⋯d_k) × r_k} matrix, built by one
 * GEMM per core) and right ones {@code Q_k = G_k ⋯ G_N} ({@code r_{k-1} × (d_k⋯d_N)}), the whole
 * tensor is {@code P_N}, and the gradient of core {@code k} is
 * {@code dG_k[a, i, b] = Σ P_{k-1}[l, a] · E[l, i, r] · Q_{k+1}[b, r]}: two GEMMs per core. Buffers
 * are allocated on first dense use.
 */
public final class TensorTrainModel extends Model {

    private final int[] ranks;
    private final Tensor[] cores;
    private final Tensor[] coreGradients;
    // Dense path (prepareDense): P_k = left product of cores 0..k, Q_k = right product of cores k..N-1.
    private Tensor[] leftBuffers;
    /** P_k as a (D_{<k}) × (d_k·r_{k+1}) matrix: the output of its GEMM. */
    private Tensor[] leftOut;
    /** P_k as a (D_{≤k}) × r_{k+1} matrix. */
    private Tensor[] leftMatrix;
    /** Core k as an r_k × (d_k·r_{k+1}) matrix. */
    private Tensor[] coreWide;
    private Tensor[] rightBuffers;
    /** Q_k as an (r_k·d_k) × (D_{>k}) matrix: the output of its GEMM. */
    private Tensor[] rightOut;
    /** Q_k as an r_k × (D_{≥k}) matrix. */
    private Tensor[] rightMatrix;
    private Tensor reconstruction;
    private Tensor scratch;
    /** P_{k-1}ᵀ E as r_k × (d_k·D_{>k}), and the same memory as (r_k·d_k) × D_{>k}. */
    private Tensor[] scratchWide;
    private Tensor[] scratchTall;
    /** E as D_{<k} × (d_k·D_{>k}) (for k = 0: d_0 × D_{>0}); made at the first dense gradient. */
    private Tensor[] gradientViews;

    private TensorTrainModel(Shape shape, int[] ranks, Parameters parameters, Factor[] factors) {
        super(shape, parameters, factors);
        this.ranks = ranks.clone();
        int order = shape.order();
        this.cores = new Tensor[order];
        this.coreGradients = new Tensor[order];
        for (int k = 0; k < order; k++) {
            cores[k] = factors[k].matrix().reshape(ranks[k], shape.dim(k), ranks[k + 1]);
            coreGradients[k] = factors[k].matrixGradient().reshape(ranks[k], shape.dim(k), ranks[k + 1]);
        }
    }

    /**
     * A tensor train of the given shape with bond ranks {@code ranks} ({@code N+1} values, first and
     * last 1), every core's matricization in {@code form} (default chain width: the core's rank {@code r_k}).
     */
    static TensorTrainModel create(Shape shape, int[] ranks, FactorForm form) {
        ModelShapes.checkShape("tensor-train", shape);
        int order = shape.order();
        if (ranks.length != order + 1 || ranks[0] != 1 || ranks[order] != 1) {
            throw new IllegalArgumentException("a tensor train of shape " + shape + " needs " + (order + 1)
                    + " bond ranks starting and ending with 1, got " + java.util.Arrays.toString(ranks));
        }
        for (int rank : ranks) {
            if (rank < 1) {
                throw new IllegalArgumentException("tensor-train ranks must be at least 1, got " + java.util.Arrays.toString(ranks));
            }
        }
        Parameters.Builder builder = Parameters.builder();
        Factor[] factors = new Factor[order];
        for (int k = 0; k < order; k++) {
            factors[k] = Models.declare(form, "G" + (k + 1), ranks[k] * shape.dim(k), ranks[k + 1], ranks[k + 1], builder);
        }
        Parameters parameters = builder.build();
        for (Factor factor : factors) {
            factor.bind(parameters);
        }
        return new TensorTrainModel(shape, ranks, parameters, factors);
    }

    /** The bond ranks {@code r_0 … r_N}. */
    public int[] ranks() {
        return ranks.clone();
    }

    /** Core {@code k} ({@code r_k × d_k × r_{k+1}}, 0-based), valid after {@link #forwardFactors()}. */
    public Tensor core(int k) {
        return cores[k];
    }

    @Override
    public String describe() {
        return "tensor train " + shape() + ", ranks " + java.util.Arrays.toString(ranks) + ", " + factors().get(0).form();
    }

    private double chainFlops() {
        double flops = 0;
        for (int k = 0; k < cores.length; k++) {
            flops += 2.0 * ranks[k] * ranks[k + 1];
        }
        return flops;
    }

    @Override
    public double sampledCost(int m) {
        double chain = chainFlops();
        return m * (chain * (cores.length + 1) + chain);
    }

    @Override
    public double denseCost(int m) {
        Shape shape = shape();
        int order = shape.order();
        double flops = 0;
        for (int k = 0; k < order; k++) {
            double left = shape.sizeOf(0, k);
            double right = shape.sizeOf(k + 1, order);
            double coreSize = (double) ranks[k] * shape.dim(k) * ranks[k + 1];
            flops += 2.0 * left * coreSize;           // P_k
            flops += 2.0 * right * coreSize;          // Q_k
            flops += 2.0 * ranks[k] * shape.size();   // P_{k-1}ᵀ E
            flops += 2.0 * right * coreSize;          // (.) Q_{k+1}ᵀ
        }
        return flops + 4.0 * m;
    }

    @Override
    void evaluateAt(Coordinates at, Tensor values) {
        TensorOps.ttEvaluate(cores, at, values);
    }

    @Override
    void reconstructInto(Tensor out) {
        prepareDense();
        for (int k = 1; k < cores.length; k++) {
            TensorOps.gemm(1.0, leftMatrix[k - 1], false, coreWide[k], false, 0.0, leftOut[k]);
        }
        out.copyFrom(reconstruction);
    }

    @Override
    void sampledBackward(Coordinates at, Tensor residual) {
        for (int k = 0; k < cores.length; k++) {
            TensorTrainKernels.chosen().ttScatterCore(cores, k, at, residual, coreGradients[k]);
        }
    }

    /** Needs the left products of the dense prediction that came just before (same parameters). */
    @Override
    void denseBackward(Tensor gradient) {
        prepareDense();
        int order = cores.length;
        if (gradientViews == null) {
            gradientViews = new Tensor[order];
            gradientViews[0] = gradient.reshape(shape().dim(0), (int) shape().sizeOf(1, order));
            for (int k = 1; k < order; k++) {
                gradientViews[k] = gradient.reshape((int) shape().sizeOf(0, k), (int) shape().sizeOf(k, order));
            }
        }
        for (int k = order - 2; k >= 1; k--) {
            TensorOps.gemm(1.0, factors().get(k).matrix(), false, rightMatrix[k + 1], false, 0.0, rightOut[k]);
        }
        // Core 0: P_{-1} = [1], so dG_0 = E_(d_0 × D_{>0}) · Q_1ᵀ.
        TensorOps.gemm(1.0, gradientViews[0], false, rightMatrix[1], true, 0.0, factors().get(0).matrixGradient());
        for (int k = 1; k < order; k++) {
            TensorOps.gemm(1.0, leftMatrix[k - 1], true, gradientViews[k], false, 0.0, scratchWide[k]);
            Tensor coreGradient = factors().get(k).matrixGradient();
            if (k == order - 1) {
                coreGradient.copyFrom(scratchTall[k]); // Q_N = [1]
            } else {
                TensorOps.gemm(1.0, scratchTall[k], false, rightMatrix[k + 1], true, 0.0, coreGradient);
            }
        }
    }

    @Override
    long denseWorkspaceBytes() {
        // The buffers prepareDense allocates, by the same arithmetic.
        Shape shape = shape();
        int order = cores.length;
        long elements = 0, scratchSize = 1;
        for (int k = 0; k < order; k++) {
            long from = shape.sizeOf(k, order);
            if (k > 0) {
                elements += shape.sizeOf(0, k + 1) * ranks[k + 1];
            }
            if (k >= 1 && k < order - 1) {
                elements += ranks[k] * from;
            }
            scratchSize = Math.max(scratchSize, ranks[k] * from);
        }
        return (elements + scratchSize) * Double.BYTES;
    }

    /**
     * Allocates, once, the buffers of the dense path and the matrix views its GEMMs use.
     * {@code D_{<k}} is the product of the sizes of the modes before {@code k}, {@code D_{>k}} after it.
     */
    private void prepareDense() {
        if (reconstruction != null) {
            return;
        }
        Shape shape = shape();
        int order = cores.length;
        leftBuffers = new Tensor[order];
        leftOut = new Tensor[order];
        leftMatrix = new Tensor[order];
        coreWide = new Tensor[order];
        rightBuffers = new Tensor[order];
        rightOut = new Tensor[order];
        rightMatrix = new Tensor[order];
        scratchWide = new Tensor[order];
        scratchTall = new Tensor[order];
        long scratchSize = 1;
        for (int k = 0; k < order; k++) {
            int before = Math.toIntExact(shape.sizeOf(0, k));
            int through = Math.toIntExact(shape.sizeOf(0, k + 1));
            int after = Math.toIntExact(shape.sizeOf(k + 1, order));
            int from = Math.toIntExact(shape.sizeOf(k, order));
            int d = shape.dim(k);
            Tensor matrix = factors().get(k).matrix();
            coreWide[k] = matrix.reshape(ranks[k], d * ranks[k + 1]);
            if (k == 0) {
                leftMatrix[0] = matrix;
            } else {
                leftBuffers[k] = Tensor.zeros(Math.multiplyExact(through, ranks[k + 1]));
                leftOut[k] = leftBuffers[k].reshape(before, d * ranks[k + 1]);
                leftMatrix[k] = leftBuffers[k].reshape(through, ranks[k + 1]);
            }
            if (k == order - 1) {
                rightMatrix[k] = matrix.reshape(ranks[k], d);
            } else if (k >= 1) {
                rightBuffers[k] = Tensor.zeros(Math.multiplyExact(ranks[k], from));
                rightOut[k] = rightBuffers[k].reshape(ranks[k] * d, after);
                rightMatrix[k] = rightBuffers[k].reshape(ranks[k], from);
            }
            scratchSize = Math.max(scratchSize, (long) ranks[k] * from);
        }
        scratch = Tensor.zeros(Math.toIntExact(scratchSize));
        for (int k = 1; k < order; k++) {
            int d = shape.dim(k);
            int after = Math.toIntExact(shape.sizeOf(k + 1, order));
            Tensor used = scratch.slice(0, ranks[k] * d * after);
            scratchWide[k] = used.reshape(ranks[k], d * after);
            scratchTall[k] = used.reshape(ranks[k] * d, after);
        }
        reconstruction = leftBuffers[order - 1].reshape(shape.dims());
    }

    @Override
    Factorization plainFactors() {
        return Factorization.ofFactors(Factorization.Kind.TENSOR_TRAIN, shape(), ranks, null, cores);
    }

    @Override
    void closeWorkspaces() {
        if (reconstruction != null) {
            for (int k = 0; k < cores.length; k++) {
                if (leftBuffers[k] != null) {
                    leftBuffers[k].close();
                }
                if (rightBuffers[k] != null) {
                    rightBuffers[k].close();
                }
            }
            scratch.close();
        }
    }
}
