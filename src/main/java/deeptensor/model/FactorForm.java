package deeptensor.model;

/**
 * How a factor matrix {@code F} ({@code rows × cols}) of a model is parameterized: the "depth" of a
 * deep factorization lives here, not in the model, so every model combines with every form.
 *
 * <ul>
 *   <li>{@link #direct()}: {@code F} is a free matrix (depth 1, the usual shallow model).</li>
 *   <li>{@link #sharedChain(int)}: {@code F = M_L ⋯ M_2 M_1} with {@code M_1} of shape {@code h × cols},
 *       middle matrices {@code h × h} and {@code M_L} of shape {@code rows × h}: a deep linear network
 *       whose end-to-end matrix is the factor.</li>
 *   <li>{@link #columnChains(int)}: every column has a chain of its own,
 *       {@code f_j = A_{j,L} ⋯ A_{j,2} a_j} with {@code a_j ∈ ℝ^h}, middle {@code h × h} and
 *       {@code A_{j,L}} of shape {@code rows × h}. This is how the AISTATS 2024 deep Tucker code
 *       parameterizes its factor columns, and the reading of deep CP under which the component-norm
 *       law of Hariz et al. (ICML 2022) holds.</li>
 * </ul>
 *
 * <p>At depth 1 every form is the direct one. A width of 0 means "the default the model chooses"
 * (the factor's row count {@code d} for CP and Tucker, as in the papers).
 */
public final class FactorForm {

    private enum Kind { DIRECT, SHARED_CHAIN, COLUMN_CHAINS }

    private final Kind kind;
    private final int depth;
    private final int width;

    private FactorForm(Kind kind, int depth, int width) {
        if (depth < 1) {
            throw new IllegalArgumentException("a factor chain needs depth at least 1, got " + depth);
        }
        if (width < 0) {
            throw new IllegalArgumentException("a factor chain's width must be positive (or 0 for the default), got " + width);
        }
        this.kind = kind;
        this.depth = depth;
        this.width = width;
    }

    /** A free factor matrix (depth 1). */
    public static FactorForm direct() {
        return new FactorForm(Kind.DIRECT, 1, 0);
    }

    /** A shared chain {@code F = M_L ⋯ M_1} of {@code depth} matrices with the default width. */
    public static FactorForm sharedChain(int depth) {
        return new FactorForm(Kind.SHARED_CHAIN, depth, 0);
    }

    /** Column chains {@code f_j = A_{j,L} ⋯ A_{j,2} a_j} of {@code depth} matrices with the default width. */
    public static FactorForm columnChains(int depth) {
        return new FactorForm(Kind.COLUMN_CHAINS, depth, 0);
    }

    /** The number of matrices multiplied to make the factor (1 = shallow). */
    public int depth() {
        return depth;
    }

    /** The hidden width {@code h} of the chain, or 0 for the model's default. */
    public int width() {
        return width;
    }

    /** Whether every column has a chain of its own ({@link #columnChains}) rather than one chain for the matrix. */
    public boolean perColumn() {
        return kind == Kind.COLUMN_CHAINS;
    }

    /** The same form with another hidden width ({@code 0} for the model's default); the direct form has none. */
    public FactorForm withWidth(int width) {
        return kind == Kind.DIRECT ? this : new FactorForm(kind, depth, width);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FactorForm form && form.kind == kind && form.depth == depth && form.width == width;
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + depth) * 31 + width;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case DIRECT -> "direct";
            case SHARED_CHAIN -> "shared chain, depth " + depth + (width > 0 ? ", width " + width : "");
            case COLUMN_CHAINS -> "column chains, depth " + depth + (width > 0 ? ", width " + width : "");
        };
    }
}
