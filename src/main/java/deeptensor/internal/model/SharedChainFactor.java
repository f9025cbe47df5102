package deeptensor.internal.model;

import deeptensor.model.FactorForm;
import deeptensor.kernel.TensorOps;
import deeptensor.tensor.Tensor;

/**
 * {@code F = M_{L-1} ⋯ M_1 M_0} (links numbered from the input): {@code M_0} is {@code h × cols},
 * the middle links {@code h × h}, {@code M_{L-1}} is {@code rows × h}.
 *
 * <p>Forward keeps the partial products {@code P_l = M_l ⋯ M_0} (they are needed by backward).
 * Backward runs the chain rule of a linear network: with {@code δ_{L-1} = dℓ/dF},
 * {@code dℓ/dM_l = δ_l P_{l-1}ᵀ} and {@code δ_{l-1} = M_lᵀ δ_l}, down to {@code dℓ/dM_0 = δ_0}. Every
 * product is one GEMM into a buffer allocated at bind time.
 */
final class SharedChainFactor extends Factor {

    private final int depth;
    private final int width;
    private final int[] blocks;
    private Tensor[] links;
    private Tensor[] linkGradients;
    /** partial[l] = M_l ⋯ M_0; partial[0] is the parameter view, partial[L-1] the factor. */
    private Tensor[] partial;
    /** delta[l] = dℓ/dP_l; delta[L-1] is the matrix gradient, delta[0] the gradient of M_0. */
    private Tensor[] delta;

    SharedChainFactor(String name, int rows, int cols, int depth, int width, Parameters.Builder builder) {
        super(name, rows, cols);
        if (width < 1) {
            throw new IllegalArgumentException("factor " + name + ": chain width must be at least 1, got " + width);
        }
        this.depth = depth;
        this.width = width;
        this.blocks = new int[depth];
        for (int l = 0; l < depth; l++) {
            blocks[l] = builder.add(name + ".M" + (l + 1), linkRows(l), linkCols(l));
        }
    }

    @Override
    void bind(Parameters parameters) {
        links = new Tensor[depth];
        linkGradients = new Tensor[depth];
        partial = new Tensor[depth];
        delta = new Tensor[depth];
        for (int l = 0; l < depth; l++) {
            links[l] = parameters.value(blocks[l]);
            linkGradients[l] = parameters.gradient(blocks[l]);
        }
        partial[0] = links[0];
        delta[0] = linkGradients[0];
        for (int l = 1; l < depth; l++) {
            partial[l] = Tensor.zeros(linkRows(l), cols());
            delta[l] = Tensor.zeros(linkRows(l), cols());
        }
    }

    @Override
    public int depth() {
        return depth;
    }

    @Override
    public FactorForm form() {
        return FactorForm.sharedChain(depth).withWidth(width);
    }

    @Override
    public void forward() {
        for (int l = 1; l < depth; l++) {
            TensorOps.gemm(1.0, links[l], false, partial[l - 1], false, 0.0, partial[l]);
        }
    }

    @Override
    public Tensor matrix() {
        return partial[depth - 1];
    }

    @Override
    public Tensor matrixGradient() {
        return delta[depth - 1];
    }

    @Override
    public void backward() {
        for (int l = depth - 1; l >= 1; l--) {
            TensorOps.gemm(1.0, delta[l], false, partial[l - 1], true, 0.0, linkGradients[l]);
            TensorOps.gemm(1.0, links[l], true, delta[l], false, 0.0, delta[l - 1]);
        }
    }

    @Override
    public int chains() {
        return 1;
    }

    @Override
    public int linkRows(int link) {
        return link == depth - 1 ? rows() : width;
    }

    @Override
    public int linkCols(int link) {
        return link == 0 ? cols() : width;
    }

    @Override
    public double get(int chain, int link, int i, int j) {
        checkLink(chain, link);
        return links[link].get(i, j);
    }

    @Override
    public void set(int chain, int link, int i, int j, double value) {
        checkLink(chain, link);
        links[link].set(value, i, j);
    }

    @Override
    public int[] chainColumns(int chain) {
        return new int[] {0, cols()};
    }

    @Override
    public void close() {
        if (partial != null) {
            for (int l = 1; l < depth; l++) {
                partial[l].close();
                delta[l].close();
            }
        }
    }
}
