package deeptensor.experiments;

import deeptensor.kernel.TensorOps;
import deeptensor.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * A deep matrix factorization {@code W = W_L ⋯ W_2 W_1} of {@code L} square {@code n × n} layers
 * without bias (the deep linear network of Arora et al., NeurIPS 2019), trained on observed entries
 * of a matrix with the library's loss convention {@code ℓ = (1/m) Σ_Ω (W_ij − Y_ij)²}.
 *
 * <p>The gradient with respect to layer {@code j} is {@code (W_L⋯W_{j+1})ᵀ G (W_{j−1}⋯W_1)ᵀ}, where
 * {@code G = (2/m) P_Ω(W − Y)} is the gradient with respect to the end-to-end matrix. The forward
 * pass keeps the prefix products {@code P_j = W_j ⋯ W_1}; the backward pass carries
 * {@code B = (W_L⋯W_{j+1})ᵀ G} down the layers, so one step costs {@code 3(L−1)} matrix products.
 *
 * <p>All layers live in one parameter vector ({@link #parameters()}, {@code L·n²} values, layer
 * {@code j} at offset {@code (j−1)·n²}, row-major), with a gradient vector of the same layout, so that
 * an {@link deeptensor.internal.train.OptimizerState} steps the whole network at once.
 */
final class DeepLinearNetwork implements AutoCloseable {

    private final int n;
    private final int depth;
    private final Tensor parameters;
    private final Tensor gradients;
    private final Tensor[] layers;
    private final Tensor[] layerGradients;
    /** prefix[j] = W_{j+1} ⋯ W_1 (0-based: prefix[0] = W_1, prefix[L−1] = W). */
    private final Tensor[] prefix;
    private final Tensor endGradient;
    private final Tensor carry;
    private final Tensor carryNext;

    DeepLinearNetwork(int n, int depth) {
        if (n < 1 || depth < 1) {
            throw new IllegalArgumentException("a deep linear network needs n ≥ 1 and depth ≥ 1, got " + n + ", " + depth);
        }
        this.n = n;
        this.depth = depth;
        this.parameters = Tensor.zeros(depth * n * n);
        this.gradients = Tensor.zeros(depth * n * n);
        this.layers = new Tensor[depth];
        this.layerGradients = new Tensor[depth];
        this.prefix = new Tensor[depth];
        for (int j = 0; j < depth; j++) {
            layers[j] = parameters.view((long) j * n * n, n, n);
            layerGradients[j] = gradients.view((long) j * n * n, n, n);
            prefix[j] = j == 0 ? layers[0] : Tensor.zeros(n, n);
        }
        this.endGradient = Tensor.zeros(n, n);
        this.carry = Tensor.zeros(n, n);
        this.carryNext = Tensor.zeros(n, n);
    }

    int size() {
        return n;
    }

    int depth() {
        return depth;
    }

    /** Every layer, one after another (a view: writing it changes the network). */
    Tensor parameters() {
        return parameters;
    }

    /** The gradient of the last {@link #lossAndGradient} call, in the layout of {@link #parameters()}. */
    Tensor gradients() {
        return gradients;
    }

    /** Layer {@code j} (1-based, as in {@code W_j}); a view of the parameters. */
    Tensor layer(int j) {
        return layers[j - 1];
    }

    /**
     * Arora et al.'s "gaussian" initialization: every layer i.i.d. {@code N(0, (s^{1/L}/√n)²)}, so the
     * end-to-end matrix has Frobenius norm about {@code s·√n}.
     */
    void initializeGaussian(double scale, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double std = Math.pow(scale, 1.0 / depth) / Math.sqrt(n);
        for (long i = 0; i < parameters.size(); i++) {
            parameters.setFlat(i, std * random.nextGaussian());
        }
    }

    /** Computes the prefix products; afterwards {@link #endToEnd()} is {@code W}. */
    void forward() {
        for (int j = 1; j < depth; j++) {
            TensorOps.gemm(1, layers[j], false, prefix[j - 1], false, 0, prefix[j]);
        }
    }

    /** The end-to-end matrix of the last {@link #forward()} (a buffer of the network: do not close). */
    Tensor endToEnd() {
        return prefix[depth - 1];
    }

    /**
     * The loss {@code (1/m) Σ (W[rows[e], cols[e]] − targets[e])²} and its gradient with respect to
     * every layer (into {@link #gradients()}).
     */
    double lossAndGradient(int[] rows, int[] cols, double[] targets) {
        forward();
        Tensor w = endToEnd();
        int m = targets.length;
        endGradient.fill(0);
        double loss = 0;
        for (int e = 0; e < m; e++) {
            double residual = w.get(rows[e], cols[e]) - targets[e];
            loss += residual * residual;
            endGradient.set(2 * residual / m, rows[e], cols[e]);
        }
        // B = (W_L ⋯ W_{j+1})ᵀ G, starting with B = G at j = L.
        Tensor b = endGradient;
        for (int j = depth - 1; j >= 0; j--) {
            if (j == 0) {
                layerGradients[0].copyFrom(b);
            } else {
                TensorOps.gemm(1, b, false, prefix[j - 1], true, 0, layerGradients[j]);
                Tensor next = b == carry ? carryNext : carry;
                TensorOps.gemm(1, layers[j], true, b, false, 0, next);
                b = next;
            }
        }
        return loss / m;
    }

    @Override
    public void close() {
        for (int j = 1; j < depth; j++) {
            prefix[j].close();
        }
        endGradient.close();
        carry.close();
        carryNext.close();
        parameters.close();
        gradients.close();
    }
}
