package deeptensor.internal.kernel;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;

/**
 * The argument checks every {@link deeptensor.internal.kernel.Kernels} implementation runs before touching memory, so that all
 * implementations reject the same inputs with the same messages. Each method throws
 * {@link IllegalArgumentException} naming the shapes involved.
 */
public final class ShapeChecks {

    private ShapeChecks() {
    }

    /** Checks {@code c = alpha·op(a)·op(b) + beta·c}; allocates nothing on valid input (GEMM is called per column in deep chains). */
    public static void gemm(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c) {
        matrix("A", a);
        matrix("B", b);
        matrix("C", c);
        int rows = transposeA ? a.cols() : a.rows();
        int inner = transposeA ? a.rows() : a.cols();
        int innerB = transposeB ? b.cols() : b.rows();
        int cols = transposeB ? b.rows() : b.cols();
        if (inner != innerB || c.rows() != rows || c.cols() != cols) {
            throw new IllegalArgumentException("gemm: op(A) of shape " + rows + "×" + inner + " (A " + a.shape()
                    + (transposeA ? ", transposed" : "") + ") times op(B) of shape " + innerB + "×" + cols + " (B "
                    + b.shape() + (transposeB ? ", transposed" : "") + ") cannot go into C of shape " + c.shape());
        }
        distinct("gemm", c, a, b);
    }

    /** Checks a mode-n product {@code out = x ×_mode u}. */
    public static void modeProduct(Tensor x, int mode, Tensor u, Tensor out) {
        mode("mode product", x, mode);
        matrix("U", u);
        if (u.cols() != x.dim(mode)) {
            throw new IllegalArgumentException("mode product: U of shape " + u.shape() + " needs " + x.dim(mode)
                    + " columns to multiply mode " + mode + " of X of shape " + x.shape());
        }
        // Compare mode by mode: building the expected Shape would allocate on every valid call.
        boolean fits = out.order() == x.order();
        for (int n = 0; fits && n < x.order(); n++) {
            fits = out.dim(n) == (n == mode ? u.rows() : x.dim(n));
        }
        if (!fits) {
            sameShape("mode product output", x.shape().withDim(mode, u.rows()), out);
        }
        distinct("mode product", out, x, u);
    }

    /** Checks a Khatri-Rao product and returns the common column count. */
    public static int khatriRao(Tensor[] matrices, Tensor out) {
        if (matrices.length == 0) {
            throw new IllegalArgumentException("Khatri-Rao product of no matrices");
        }
        int columns = commonColumns("Khatri-Rao", matrices, -1);
        long rows = 1;
        for (Tensor m : matrices) {
            rows = rows > Integer.MAX_VALUE || m.rows() > Integer.MAX_VALUE ? Long.MAX_VALUE : rows * m.rows();
            rows = Math.min(rows, (long) Integer.MAX_VALUE + 1); // beyond any matrix: cannot match an output
        }
        matrix("Khatri-Rao output", out);
        if (out.rows() != rows || out.cols() != columns) {
            throw new IllegalArgumentException("Khatri-Rao output of shape " + out.shape() + " should be " + rows + "×"
                    + columns + " for inputs " + shapes(matrices));
        }
        distinct("Khatri-Rao", out, matrices);
        return columns;
    }

    // ------------------------------------------------------------------ one method per kernel
    // Every implementation calls these first, so all of them refuse the same inputs with the same words.
    // On valid input they allocate nothing (messages and Shapes are built only on failure), so the
    // kernels' "no allocation" promise holds with the checks on.

    /** Checks {@link deeptensor.internal.kernel.CpKernels#cpReconstruct} and returns R. */
    public static int cpReconstruct(Tensor[] factors, Tensor out) {
        int rank = cpFactors("CP reconstruction", out.shape(), factors);
        distinct("CP reconstruction", out, factors);
        return rank;
    }

    /** Checks {@link deeptensor.internal.kernel.Kernels#mttkrp} and returns R. */
    public static int mttkrp(Tensor x, Tensor[] factors, int mode, Tensor out) {
        mode("MTTKRP", x, mode);
        matrix("MTTKRP output", out);
        int rank = cpFactors("MTTKRP", x.shape(), factors, mode, out.cols());
        matrixShape("MTTKRP output", x.dim(mode), rank, out);
        distinct("MTTKRP", out, x);
        distinct("MTTKRP", out, factors);
        return rank;
    }

    /**
     * Checks {@link CpKernels#mttkrpEveryMode} and returns R: every mode as {@link #mttkrp} checks it
     * (all factors present), one output per mode, and no output shared with another.
     */
    public static int mttkrpEveryMode(Tensor x, Tensor[] factors, Tensor[] outs) {
        if (x == null || factors == null || outs == null) {
            throw new IllegalArgumentException("MTTKRP in every mode: the tensor, the factors and the outputs must not be null");
        }
        if (outs.length != x.order()) {
            throw new IllegalArgumentException("MTTKRP in every mode of shape " + x.shape() + " needs " + x.order()
                    + " outputs, one per mode, got " + outs.length);
        }
        if (factors.length != x.order()) {
            throw new IllegalArgumentException("MTTKRP in every mode of shape " + x.shape() + " needs " + x.order()
                    + " factors, one per mode, got " + factors.length);
        }
        int rank = -1;
        for (int n = 0; n < outs.length; n++) {
            if (factors[n] == null) {
                throw new IllegalArgumentException("MTTKRP in every mode needs every factor; factor " + n + " is null");
            }
            if (outs[n] == null) {
                throw new IllegalArgumentException("MTTKRP in every mode: the output of mode " + n + " is null");
            }
            rank = mttkrp(x, factors, n, outs[n]);
            for (int m = 0; m < n; m++) {
                if (outs[m].segment().asOverlappingSlice(outs[n].segment()).isPresent()) {
                    throw new IllegalArgumentException("MTTKRP in every mode: the outputs of modes " + m + " and " + n
                            + " overlap; each mode needs its own");
                }
            }
        }
        return rank;
    }

    /** Checks {@link TuckerKernels#contractAllButMode}. */
    public static void contractAllButMode(Tensor x, Tensor y, int mode, Tensor out) {
        mode("contraction", x, mode);
        if (y.order() != x.order()) {
            throw new IllegalArgumentException("contraction over all modes but " + mode + ": shapes " + x.shape() + " and "
                    + y.shape() + " have different orders");
        }
        for (int n = 0; n < x.order(); n++) {
            if (n != mode && x.dim(n) != y.dim(n)) {
                throw new IllegalArgumentException("contraction over all modes but " + mode + ": shapes " + x.shape()
                        + " and " + y.shape() + " differ on mode " + n);
            }
        }
        matrixShape("contraction output", x.dim(mode), y.dim(mode), out);
        distinct("contraction", out, x, y);
    }

    /** Checks {@link deeptensor.internal.kernel.Kernels#gram}. */
    public static void gram(Tensor a, Tensor out) {
        matrix("Gram input", a);
        matrixShape("Gram output", a.cols(), a.cols(), out);
        distinct("Gram", out, a);
    }

    /**
     * The shape of the mode-{@code mode} unfolding of {@code shape}: {@code dₙ × Π_{m≠n} d_m}.
     *
     * @throws IllegalArgumentException if the mode does not exist or the unfolding would have more
     *     columns than a matrix can
     */
    public static Shape unfoldedShape(Shape shape, int mode) {
        if (mode < 0 || mode >= shape.order()) {
            throw new IllegalArgumentException("mode " + mode + " does not exist in shape " + shape);
        }
        long before = shape.sizeOf(0, mode), after = shape.sizeOf(mode + 1, shape.order());
        long columns = before * after; // at most the shape's size, which Shape keeps within a long
        if (columns > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the mode-" + mode + " unfolding of shape " + shape + " has " + columns
                    + " columns, more than a matrix can have");
        }
        return Shape.of(shape.dim(mode), (int) columns);
    }

    /** Checks {@link deeptensor.internal.kernel.Kernels#unfold}. */
    public static void unfold(Tensor x, int mode, Tensor out) {
        mode("unfold", x, mode);
        if (!isUnfolding(x.shape(), mode, out)) {
            sameShape("unfolding", unfoldedShape(x.shape(), mode), out);
        }
        distinct("unfold", out, x);
    }

    /** Checks {@link deeptensor.internal.kernel.Kernels#fold}. */
    public static void fold(Tensor matrix, int mode, Tensor out) {
        mode("fold", out, mode);
        if (!isUnfolding(out.shape(), mode, matrix)) {
            sameShape("matrix to fold", unfoldedShape(out.shape(), mode), matrix);
        }
        distinct("fold", out, matrix);
    }

    /** Checks {@link deeptensor.internal.kernel.Kernels#gather}. */
    public static void gather(Tensor x, Coordinates at, Tensor values) {
        coordinates("gather", at, x.shape());
        perEntry("gather", at, values);
        distinct("gather", values, x);
    }

    /** Checks {@link deeptensor.internal.kernel.Kernels#scatter}. */
    public static void scatter(Coordinates at, Tensor weights, Tensor out) {
        coordinates("scatter", at, out.shape());
        perEntry("scatter", at, weights);
        distinct("scatter", out, weights);
    }

    /** Checks {@link deeptensor.internal.kernel.CpKernels#cpEvaluate} and returns R. */
    public static int cpEvaluate(Tensor[] factors, Coordinates at, Tensor values) {
        int rank = cpFactors("CP evaluation", at.shape(), factors);
        perEntry("CP evaluation", at, values);
        distinct("CP evaluation", values, factors);
        return rank;
    }

    /** Checks {@link deeptensor.internal.kernel.CpKernels#cpScatter} and returns R. */
    public static int cpScatter(Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out) {
        mode("CP scatter", factors.length, mode);
        matrix("CP scatter output", out);
        int rank = cpFactors("CP scatter", at.shape(), factors, mode, out.cols());
        perEntry("CP scatter", at, weights);
        matrixShape("CP scatter output", at.shape().dim(mode), rank, out);
        distinct("CP scatter", out, factors);
        distinct("CP scatter", out, weights);
        return rank;
    }

    /** Checks {@link deeptensor.internal.kernel.TuckerKernels#tuckerEvaluate}. */
    public static void tuckerEvaluate(Tensor core, Tensor[] factors, Coordinates at, Tensor values) {
        tuckerFactors("Tucker evaluation", core.shape(), at.shape(), factors, -1);
        perEntry("Tucker evaluation", at, values);
        distinct("Tucker evaluation", values, core);
        distinct("Tucker evaluation", values, factors);
    }

    /** Checks {@link deeptensor.internal.kernel.TuckerKernels#tuckerScatterCore}. */
    public static void tuckerScatterCore(Tensor[] factors, Coordinates at, Tensor weights, Tensor out) {
        tuckerFactors("Tucker core scatter", out.shape(), at.shape(), factors, -1);
        perEntry("Tucker core scatter", at, weights);
        distinct("Tucker core scatter", out, factors);
        distinct("Tucker core scatter", out, weights);
    }

    /** Checks {@link deeptensor.internal.kernel.TuckerKernels#tuckerScatterFactor}. */
    public static void tuckerScatterFactor(Tensor core, Tensor[] factors, int mode, Coordinates at, Tensor weights, Tensor out) {
        mode("Tucker factor scatter", factors.length, mode);
        tuckerFactors("Tucker factor scatter", core.shape(), at.shape(), factors, mode);
        perEntry("Tucker factor scatter", at, weights);
        matrixShape("Tucker factor scatter output", at.shape().dim(mode), core.dim(mode), out);
        distinct("Tucker factor scatter", out, core, weights);
        distinct("Tucker factor scatter", out, factors);
    }

    /** Checks {@link deeptensor.internal.kernel.TensorTrainKernels#ttEvaluate}. */
    public static void ttEvaluate(Tensor[] cores, Coordinates at, Tensor values) {
        ttCores("TT evaluation", at.shape(), cores);
        perEntry("TT evaluation", at, values);
        distinct("TT evaluation", values, cores);
    }

    /** Checks {@link deeptensor.internal.kernel.TensorTrainKernels#ttScatterCore}. */
    public static void ttScatterCore(Tensor[] cores, int k, Coordinates at, Tensor weights, Tensor out) {
        ttCores("TT core scatter", at.shape(), cores);
        if (k < 0 || k >= cores.length) {
            throw new IllegalArgumentException("TT core scatter: core " + k + " does not exist in a train of " + cores.length);
        }
        perEntry("TT core scatter", at, weights);
        sameShape("TT core scatter output", cores[k].shape(), out);
        distinct("TT core scatter", out, cores);
        distinct("TT core scatter", out, weights);
    }

    // ------------------------------------------------------------------------------ building blocks

    /** Checks CP factors against a tensor shape and returns R. */
    public static int cpFactors(String what, Shape shape, Tensor[] factors) {
        return cpFactors(what, shape, factors, -1, -1);
    }

    /**
     * Checks CP factors against a tensor shape, skipping {@code skipMode} if ≥ 0, and returns R. When
     * the skipped factor is the only one (order 1), R cannot come from the factors: pass the rank the
     * output implies as {@code outputRank} (or -1 when there is no such output).
     */
    public static int cpFactors(String what, Shape shape, Tensor[] factors, int skipMode, int outputRank) {
        if (factors.length != shape.order()) {
            throw new IllegalArgumentException(what + ": " + factors.length + " factors for a tensor of shape " + shape);
        }
        int rank = factors.length == 1 && skipMode == 0 ? outputRank : commonColumns(what, factors, skipMode);
        if (outputRank >= 0 && rank != outputRank) {
            throw new IllegalArgumentException(what + ": factors " + shapes(factors) + " have " + rank
                    + " columns but the output has " + outputRank);
        }
        for (int n = 0; n < factors.length; n++) {
            if (n != skipMode && factors[n].rows() != shape.dim(n)) {
                throw new IllegalArgumentException(what + ": factor " + n + " of shape " + factors[n].shape()
                        + " needs " + shape.dim(n) + " rows for mode " + n + " of shape " + shape);
            }
        }
        return rank;
    }

    /** Checks that a Tucker core and factors fit a tensor shape. */
    public static void tuckerFactors(String what, Shape coreShape, Shape shape, Tensor[] factors, int skipMode) {
        if (factors.length != coreShape.order() || coreShape.order() != shape.order()) {
            throw new IllegalArgumentException(what + ": " + factors.length + " factors, core of shape " + coreShape
                    + " and tensor shape " + shape + " disagree on the order");
        }
        for (int n = 0; n < factors.length; n++) {
            if (n == skipMode) {
                continue;
            }
            if (factors[n] == null) {
                throw new IllegalArgumentException(what + ": factor " + n + " is missing (null) in " + shapes(factors));
            }
            if (factors[n].order() != 2) {
                matrix(what + " factor " + n, factors[n]); // message built only on failure: valid calls allocate nothing
            }
            if (factors[n].rows() != shape.dim(n) || factors[n].cols() != coreShape.dim(n)) {
                throw new IllegalArgumentException(what + ": factor " + n + " of shape " + factors[n].shape()
                        + " should be " + shape.dim(n) + "×" + coreShape.dim(n) + " for core " + coreShape
                        + " and tensor " + shape);
            }
        }
    }

    /** Checks tensor-train cores against a tensor shape and returns it. */
    public static void ttCores(String what, Shape shape, Tensor[] cores) {
        if (cores.length != shape.order()) {
            throw new IllegalArgumentException(what + ": " + cores.length + " cores for a tensor of shape " + shape);
        }
        int previousRank = 1;
        for (int k = 0; k < cores.length; k++) {
            Tensor core = cores[k];
            int lastRank = k == cores.length - 1 ? 1 : -1;
            if (core.order() != 3 || core.dim(0) != previousRank || core.dim(1) != shape.dim(k)
                    || (lastRank == 1 && core.dim(2) != 1)) {
                throw new IllegalArgumentException(what + ": core " + k + " of shape " + core.shape() + " should be "
                        + previousRank + "×" + shape.dim(k) + "×" + (lastRank == 1 ? "1" : "r") + " in a train for shape "
                        + shape + " with cores " + shapes(cores));
            }
            previousRank = core.dim(2);
        }
    }

    /** Checks a vector of one value per coordinate. */
    public static void perEntry(String what, Coordinates at, Tensor values) {
        if (values.order() != 1 || values.dim(0) != at.count()) {
            throw new IllegalArgumentException(what + ": a vector of " + at.count() + " values (one per coordinate) was expected, got shape " + values.shape());
        }
    }

    /** Checks that coordinates index into {@code shape}. */
    public static void coordinates(String what, Coordinates at, Shape shape) {
        if (!at.shape().equals(shape)) {
            throw new IllegalArgumentException(what + ": coordinates into shape " + at.shape()
                    + " cannot be used with a model of shape " + shape);
        }
    }

    /** Checks that {@code mode} is a mode of {@code x}. */
    public static void mode(String what, Tensor x, int mode) {
        if (mode < 0 || mode >= x.order()) {
            throw new IllegalArgumentException(what + ": mode " + mode + " does not exist in a tensor of shape " + x.shape());
        }
    }

    /** Checks that {@code mode} is one of {@code order} modes. */
    public static void mode(String what, int order, int mode) {
        if (mode < 0 || mode >= order) {
            throw new IllegalArgumentException(what + ": mode " + mode + " does not exist among " + order + " modes");
        }
    }

    /** Checks that {@code t} is a matrix. */
    public static void matrix(String what, Tensor t) {
        if (t.order() != 2) {
            throw new IllegalArgumentException(what + " must be a matrix, but has shape " + t.shape());
        }
    }

    /** Whether {@code matrix} has the shape of the mode-{@code mode} unfolding of {@code shape}, decided without allocating. */
    private static boolean isUnfolding(Shape shape, int mode, Tensor matrix) {
        if (matrix.order() != 2 || matrix.dim(0) != shape.dim(mode)) {
            return false;
        }
        long before = shape.sizeOf(0, mode), after = shape.sizeOf(mode + 1, shape.order());
        return before <= Integer.MAX_VALUE && after <= Integer.MAX_VALUE && before * after == matrix.dim(1);
    }

    /** Checks that {@code out} is a {@code rows × cols} matrix; builds a Shape (an allocation) only to report a mismatch. */
    public static void matrixShape(String what, int rows, int cols, Tensor out) {
        if (out.order() != 2 || out.dim(0) != rows || out.dim(1) != cols) {
            sameShape(what, Shape.of(rows, cols), out);
        }
    }

    /** Checks that {@code actual} has the {@code expected} shape. */
    public static void sameShape(String what, Shape expected, Tensor actual) {
        if (!actual.shape().equals(expected)) {
            throw new IllegalArgumentException(what + " has shape " + actual.shape() + "; shape " + expected + " was expected");
        }
    }

    /** Checks that an output shares no memory with any input. */
    public static void distinct(String what, Tensor out, Tensor... inputs) {
        for (Tensor input : inputs) {
            distinct(what, out, input);
        }
    }

    /** Checks that an output shares no memory with one input (no varargs array: valid calls allocate nothing). */
    public static void distinct(String what, Tensor out, Tensor input) {
        if (input != null && out.segment().asOverlappingSlice(input.segment()).isPresent()) {
            throw new IllegalArgumentException(what + ": the output of shape " + out.shape()
                    + " shares memory with an input of shape " + input.shape() + "; pass a separate output");
        }
    }

    /** Checks that an output shares no memory with either of two inputs (no varargs array). */
    public static void distinct(String what, Tensor out, Tensor first, Tensor second) {
        distinct(what, out, first);
        distinct(what, out, second);
    }

    private static int commonColumns(String what, Tensor[] matrices, int skip) {
        int columns = -1;
        for (int n = 0; n < matrices.length; n++) {
            if (n == skip) {
                continue;
            }
            if (matrices[n] == null) {
                throw new IllegalArgumentException(what + ": factor " + n + " is missing (null) in " + shapes(matrices));
            }
            if (matrices[n].order() != 2) {
                matrix(what + " factor " + n, matrices[n]); // message built only on failure
            }
            if (columns < 0) {
                columns = matrices[n].cols();
            } else if (matrices[n].cols() != columns) {
                throw new IllegalArgumentException(what + ": factors must have the same number of columns, got " + shapes(matrices));
            }
        }
        if (columns < 0) {
            throw new IllegalArgumentException(what + ": no factor to take the rank from");
        }
        return columns;
    }

    /** The shapes of several tensors, for messages. */
    public static String shapes(Tensor[] tensors) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < tensors.length; i++) {
            text.append(i > 0 ? ", " : "").append(tensors[i] == null ? "-" : tensors[i].shape().toString());
        }
        return text.append(']').toString();
    }
}
