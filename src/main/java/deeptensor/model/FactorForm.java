package deeptensor.model;

/**
 * How a factor matrix {@code F} ({@code rows × cols}) of a model is parameterized: the "depth" of a
 * deep factorization lives here, not in the model, so every model combines with every form.
 *
 * <ul>
 *   <li>{@link Direct}: {@code F} is a free matrix (depth 1, the usual shallow model).</li>
 *   <li>{@link SharedChain}: {@code F = M_L ⋯ M_2 M_1} with {@code M_1} of shape {@code h × cols},
 *       middle matrices {@code h × h} and {@code M_L} of shape {@code rows × h}: a deep linear network
 *       whose end-to-end matrix is the factor.</li>
 *   <li>{@link ColumnChains}: every column has a chain of its own,
 *       {@code f_j = A_{j,L} ⋯ A_{j,2} a_j} with {@code a_j ∈ ℝ^h}, middle {@code h × h} and
 *       {@code A_{j,L}} of shape {@code rows × h}. This is how the AISTATS 2024 deep Tucker code
 *       parameterizes its factor columns, and the reading of deep CP under which the component-norm
 *       law of Hariz et al. (ICML 2022) holds.</li>
 * </ul>
 *
 * <p>At depth 1 every form is the direct one. A width of 0 means "the default the model chooses"
 * (the factor's row count {@code d} for CP and Tucker, as in the papers).
 */
public sealed interface FactorForm {

    /** The number of matrices multiplied to make the factor (1 = shallow). */
    int depth();

    /** The hidden width {@code h} of the chain, or 0 for the model's default. */
    int width();

    /** A free factor matrix (depth 1). */
    static FactorForm direct() {
        return new Direct();
    }

    /** A shared chain of {@code depth} matrices with the default width. */
    static FactorForm sharedChain(int depth) {
        return new SharedChain(depth, 0);
    }

    /** Column chains of {@code depth} matrices with the default width. */
    static FactorForm columnChains(int depth) {
        return new ColumnChains(depth, 0);
    }

    /** The same form with another hidden width ({@code 0} for the model's default). */
    FactorForm withWidth(int width);

    /** A free factor matrix. */
    record Direct() implements FactorForm {
        @Override
        public int depth() {
            return 1;
        }

        @Override
        public int width() {
            return 0;
        }

        @Override
        public FactorForm withWidth(int width) {
            return this;
        }

        @Override
        public String toString() {
            return "direct";
        }
    }

    /**
     * {@code F = M_L ⋯ M_1}.
     *
     * @param depth number of matrices, at least 1
     * @param width hidden width {@code h}, or 0 for the default
     */
    record SharedChain(int depth, int width) implements FactorForm {
        /** Checks the arguments. */
        public SharedChain {
            check(depth, width);
        }

        @Override
        public FactorForm withWidth(int width) {
            return new SharedChain(depth, width);
        }

        @Override
        public String toString() {
            return "shared chain, depth " + depth + (width > 0 ? ", width " + width : "");
        }
    }

    /**
     * {@code f_j = A_{j,L} ⋯ A_{j,2} a_j} for every column {@code j}.
     *
     * @param depth number of matrices per column, at least 1
     * @param width hidden width {@code h}, or 0 for the default
     */
    record ColumnChains(int depth, int width) implements FactorForm {
        /** Checks the arguments. */
        public ColumnChains {
            check(depth, width);
        }

        @Override
        public FactorForm withWidth(int width) {
            return new ColumnChains(depth, width);
        }

        @Override
        public String toString() {
            return "column chains, depth " + depth + (width > 0 ? ", width " + width : "");
        }
    }

    private static void check(int depth, int width) {
        if (depth < 1) {
            throw new IllegalArgumentException("a factor chain needs depth at least 1, got " + depth);
        }
        if (width < 0) {
            throw new IllegalArgumentException("a factor chain's width must be positive (or 0 for the default), got " + width);
        }
    }

    /**
     * Declares the parameter blocks of a factor of shape {@code rows × cols} in this form and returns
     * the (not yet bound) factor. {@code defaultWidth} is used when {@link #width()} is 0.
     */
    default Factor declare(String name, int rows, int cols, int defaultWidth, Parameters.Builder builder) {
        int h = width() > 0 ? width() : defaultWidth;
        if (depth() == 1) {
            return new DirectFactor(name, rows, cols, builder);
        }
        return switch (this) {
            case SharedChain chain -> new SharedChainFactor(name, rows, cols, chain.depth(), h, builder);
            case ColumnChains chains -> new ColumnChainFactor(name, rows, cols, chains.depth(), h, builder);
            case Direct direct -> new DirectFactor(name, rows, cols, builder);
        };
    }
}
