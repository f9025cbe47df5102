package deeptensor.internal.model;

import deeptensor.model.FactorForm;
import deeptensor.kernel.TensorOps;
import deeptensor.tensor.Tensor;

/**
 * Column {@code j} of {@code F} is {@code f_j = A_{j,L-1} ⋯ A_{j,1} a_j} (links numbered from the
 * input): {@code a_j ∈ ℝ^h}, middle links {@code h × h}, the last {@code rows × h}.
 *
 * <p>Storage is by column so that each column's vectors are contiguous rows: the base vectors form a
 * {@code cols × h} block (row {@code j} is {@code a_j}), link {@code l ≥ 1} a
 * {@code cols × out_l × h} block, and the hidden states {@code H_l} are {@code cols × out_l}
 * matrices whose row {@code j} is {@code h_l(j)}. Forward computes {@code h_l(j)ᵀ = h_{l-1}(j)ᵀ A_{j,l}ᵀ}
 * per column and transposes the last state into {@code F}; backward transposes {@code dℓ/dF} and runs
 * {@code dℓ/dA_{j,l} = δ_l(j) h_{l-1}(j)ᵀ}, {@code δ_{l-1}(j) = A_{j,l}ᵀ δ_l(j)}. The per-column
 * matrix views are made once at bind time, so a step creates no objects.
 */
final class ColumnChainFactor extends Factor {

    private final int depth;
    private final int width;
    private final int[] blocks;
    /** linkViews[l][j]: A_{j,l} as an out_l × h matrix (l ≥ 1). */
    private Tensor[][] linkViews;
    private Tensor[][] linkGradientViews;
    /** hidden[l]: cols × out_l, row j = h_l(j); hidden[0] is the base block. */
    private Tensor[] hidden;
    /** hiddenRows[l][j]: row j of hidden[l] as a 1 × out_l matrix. */
    private Tensor[][] hiddenRows;
    /** deltas[l]: cols × out_l, row j = dℓ/dh_l(j); deltas[0] is the base gradient block. */
    private Tensor[] deltas;
    private Tensor[][] deltaRows;
    private Tensor base;
    private Tensor factor;
    private Tensor factorGradient;

    ColumnChainFactor(String name, int rows, int cols, int depth, int width, Parameters.Builder builder) {
        super(name, rows, cols);
        if (width < 1) {
            throw new IllegalArgumentException("factor " + name + ": chain width must be at least 1, got " + width);
        }
        this.depth = depth;
        this.width = width;
        this.blocks = new int[depth];
        blocks[0] = builder.add(name + ".a", cols, width);
        for (int l = 1; l < depth; l++) {
            blocks[l] = builder.add(name + ".A" + (l + 1), cols, out(l), width);
        }
    }

    /** Length of the hidden state after link {@code l}. */
    private int out(int l) {
        return l == depth - 1 ? rows() : width;
    }

    @Override
    void bind(Parameters parameters) {
        int cols = cols();
        linkViews = new Tensor[depth][];
        linkGradientViews = new Tensor[depth][];
        hidden = new Tensor[depth];
        deltas = new Tensor[depth];
        hiddenRows = new Tensor[depth][cols];
        deltaRows = new Tensor[depth][cols];
        base = parameters.value(blocks[0]);
        hidden[0] = base;
        deltas[0] = parameters.gradient(blocks[0]);
        for (int l = 1; l < depth; l++) {
            Tensor value = parameters.value(blocks[l]);
            Tensor gradient = parameters.gradient(blocks[l]);
            linkViews[l] = new Tensor[cols];
            linkGradientViews[l] = new Tensor[cols];
            for (int j = 0; j < cols; j++) {
                linkViews[l][j] = value.slice(j);
                linkGradientViews[l][j] = gradient.slice(j);
            }
            hidden[l] = Tensor.zeros(cols, out(l));
            deltas[l] = Tensor.zeros(cols, out(l));
        }
        for (int l = 0; l < depth; l++) {
            int length = l == 0 ? width : out(l);
            for (int j = 0; j < cols; j++) {
                hiddenRows[l][j] = hidden[l].slice(j).reshape(1, length);
                deltaRows[l][j] = deltas[l].slice(j).reshape(1, length);
            }
        }
        factor = Tensor.zeros(rows(), cols);
        factorGradient = Tensor.zeros(rows(), cols);
    }

    @Override
    public int depth() {
        return depth;
    }

    @Override
    public FactorForm form() {
        return FactorForm.columnChains(depth).withWidth(width);
    }

    @Override
    public void forward() {
        for (int l = 1; l < depth; l++) {
            for (int j = 0; j < cols(); j++) {
                TensorOps.gemm(1.0, hiddenRows[l - 1][j], false, linkViews[l][j], true, 0.0, hiddenRows[l][j]);
            }
        }
        Matrices.transpose(hidden[depth - 1], factor);
    }

    @Override
    public Tensor matrix() {
        return factor;
    }

    @Override
    public Tensor matrixGradient() {
        return factorGradient;
    }

    @Override
    public void backward() {
        Matrices.transpose(factorGradient, deltas[depth - 1]);
        for (int l = depth - 1; l >= 1; l--) {
            for (int j = 0; j < cols(); j++) {
                TensorOps.gemm(1.0, deltaRows[l][j], true, hiddenRows[l - 1][j], false, 0.0, linkGradientViews[l][j]);
                TensorOps.gemm(1.0, deltaRows[l][j], false, linkViews[l][j], false, 0.0, deltaRows[l - 1][j]);
            }
        }
    }

    @Override
    public int chains() {
        return cols();
    }

    @Override
    public int linkRows(int link) {
        return link == 0 ? width : out(link);
    }

    @Override
    public int linkCols(int link) {
        return link == 0 ? 1 : width;
    }

    @Override
    public double get(int chain, int link, int i, int j) {
        checkLink(chain, link);
        if (link == 0) {
            if (j != 0) {
                throw new IndexOutOfBoundsException("the base link is a vector; column " + j + " was asked");
            }
            return base.get(chain, i);
        }
        return linkViews[link][chain].get(i, j);
    }

    @Override
    public void set(int chain, int link, int i, int j, double value) {
        checkLink(chain, link);
        if (link == 0) {
            if (j != 0) {
                throw new IndexOutOfBoundsException("the base link is a vector; column " + j + " was asked");
            }
            base.set(value, chain, i);
        } else {
            linkViews[link][chain].set(value, i, j);
        }
    }

    @Override
    public int[] chainColumns(int chain) {
        return new int[] {chain, 1};
    }

    @Override
    public void close() {
        if (hidden != null) {
            for (int l = 1; l < depth; l++) {
                hidden[l].close();
                deltas[l].close();
            }
            factor.close();
            factorGradient.close();
        }
    }
}
