package deeptensor.internal.model;

import deeptensor.model.FactorForm;
import deeptensor.tensor.Tensor;

/**
 * One factor matrix {@code F} of a model ({@code rows × cols}), produced from its parameters by a
 * {@link FactorForm}: forward gives the end-to-end matrix, backward turns {@code dℓ/dF} into the
 * gradient of every matrix on the chain.
 *
 * <h2>Life cycle</h2>
 * A form {@linkplain FactorForm#declare declares} the factor's blocks in a {@link Parameters.Builder};
 * once the parameters exist the model calls {@link #bind}, which makes the block views and the
 * workspaces (all allocated here, once). Per training step: {@link #forward()}, then the model writes
 * {@code dℓ/dF} into {@link #matrixGradient()}, then {@link #backward()} fills the parameter gradients.
 *
 * <h2>Chains and links, for initialization</h2>
 * The parameters are seen as {@link #chains()} independent chains of {@link #depth()} links each
 * (link 0 is the one nearest the input, link {@code depth-1} the one with {@code rows} rows). A
 * shared chain is one chain of matrices; column chains are {@code cols} chains whose link 0 is a
 * vector (an {@code h × 1} matrix); a direct factor is {@code cols} chains of one link, its columns.
 * Initializers reach every number through {@link #get}/{@link #set} and need no form-specific code.
 */
public abstract sealed class Factor implements AutoCloseable permits DirectFactor, SharedChainFactor, ColumnChainFactor {

    private final String name;
    private final int rows;
    private final int cols;

    Factor(String name, int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("factor " + name + " must be at least 1×1, got " + rows + "×" + cols);
        }
        this.name = name;
        this.rows = rows;
        this.cols = cols;
    }

    /** The factor's name (for example {@code U2}), used in block names and messages. */
    public String name() {
        return name;
    }

    /** Rows of the end-to-end matrix. */
    public int rows() {
        return rows;
    }

    /** Columns of the end-to-end matrix. */
    public int cols() {
        return cols;
    }

    /** Number of matrices on each chain. */
    public abstract int depth();

    /** The form this factor was declared with. */
    public abstract FactorForm form();

    /** Makes the block views and workspaces; called once, after the parameters are allocated. */
    abstract void bind(Parameters parameters);

    /** Computes the end-to-end matrix from the current parameters. */
    public abstract void forward();

    /** The end-to-end matrix ({@code rows × cols}), valid after {@link #forward()}. */
    public abstract Tensor matrix();

    /** Where the model writes {@code dℓ/dF} before calling {@link #backward()}. */
    public abstract Tensor matrixGradient();

    /**
     * Turns {@link #matrixGradient()} into the gradients of this factor's parameter blocks (overwritten).
     * Uses the intermediates of the last {@link #forward()}, which must have seen the same parameters.
     */
    public abstract void backward();

    /** Number of independent chains. */
    public abstract int chains();

    /** Rows of link {@code link} (the same for every chain). */
    public abstract int linkRows(int link);

    /** Columns of link {@code link} (the same for every chain). */
    public abstract int linkCols(int link);

    /** Entry {@code (i, j)} of link {@code link} of chain {@code chain}. */
    public abstract double get(int chain, int link, int i, int j);

    /** Sets entry {@code (i, j)} of link {@code link} of chain {@code chain}. */
    public abstract void set(int chain, int link, int i, int j, double value);

    /** The Frobenius norm of one link. */
    public double linkNorm(int chain, int link) {
        double sum = 0;
        for (int i = 0; i < linkRows(link); i++) {
            for (int j = 0; j < linkCols(link); j++) {
                double v = get(chain, link, i, j);
                sum += v * v;
            }
        }
        return Math.sqrt(sum);
    }

    /** Multiplies one link by {@code scale}. */
    public void scaleLink(int chain, int link, double scale) {
        for (int i = 0; i < linkRows(link); i++) {
            for (int j = 0; j < linkCols(link); j++) {
                set(chain, link, i, j, scale * get(chain, link, i, j));
            }
        }
    }

    /**
     * Which columns of the end-to-end matrix chain {@code chain} produces: {@code [first, first+count)}
     * as {@code {first, count}}. Column chains and direct factors produce one column each; a shared
     * chain produces all of them.
     */
    public abstract int[] chainColumns(int chain);

    /** Releases the workspaces (the parameters belong to the model). */
    @Override
    public abstract void close();

    void checkLink(int chain, int link) {
        if (chain < 0 || chain >= chains() || link < 0 || link >= depth()) {
            throw new IndexOutOfBoundsException("factor " + name + " has " + chains() + " chains of " + depth()
                    + " links; chain " + chain + ", link " + link + " does not exist");
        }
    }

    @Override
    public String toString() {
        return "factor " + name + " " + rows + "×" + cols + " (" + form() + ")";
    }
}
