package deeptensor;

import deeptensor.internal.ScratchPool;
import deeptensor.io.FormatException;
import deeptensor.internal.model.Factorization;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A fitted completion that can be kept and served: saved to a file, loaded elsewhere, asked for the
 * value at any entry from any number of threads.
 *
 * <p>What it computes, at a 0-based index {@code i = (i₁ … i_N)}:
 * <pre>
 *   value(i) = scale · ( Σ_k w_k · F_k(i)  +  c  +  Σ_n eₙ[iₙ]  +  t[i without mode m] )
 * </pre>
 * where the {@code F_k} are {@linkplain Factorization plain factorizations} (CP, Tucker or tensor
 * train) with weights {@code w_k} (the default recipe averages several fits), {@code c} a constant,
 * {@code eₙ} optional per-mode effects (additive main effects) and {@code t} an optional table over
 * every mode but one (fibre means). Any part may be absent. The model is made by
 * {@link Completion#fit()} ({@link CompletionResult#model()}) or {@link #load(Path)}.
 *
 * <p><b>Threads and cost.</b> Immutable and thread-safe: any number of threads may call
 * {@link #predict(Coordinates, Tensor)} and {@link #predict(int...)} at once, without locks on
 * the hot path. A batch runs the library's sampled kernels for each factorization (SIMD where the
 * Vector API is present): {@code N·R} multiply-adds per entry for CP, a contraction with the core
 * for Tucker, a chain of small vector-matrix products for a tensor train. In steady state a batch
 * call allocates nothing: a model with several factorizations borrows a scratch vector from a
 * lock-free pool of fixed slots and returns it (neither step allocates); a Tucker factorization
 * served from its cached partial product borrows its chunk buffers the same way. The model owns
 * off-heap memory: {@link #close()} it when done
 * (not while other threads predict).
 *
 * <p><b>Files.</b> {@link #save(Path)} writes the documented binary format of {@link ModelFile},
 * atomically, with a CRC32C; {@link #load(Path)} reads it once and refuses a corrupt, truncated or
 * newer file with a {@link FormatException} naming the file and the byte.
 */
public final class CompletionModel implements AutoCloseable {

    private final Shape shape;
    private final double scale;
    private final double constant;
    /** Per mode, the effect vector or null. */
    private final double[][] effects;
    /** The mode the table leaves out, or -1 when there is no table. */
    private final int tableMode;
    private final double[] table;
    private final Factorization[] components;
    private final double[] weights;
    private final String description;
    private final ScratchPool<Tensor> scratch = new ScratchPool<>();

    CompletionModel(Shape shape, double scale, double constant, double[][] effects, int tableMode, double[] table,
                    List<Factorization> components, double[] weights, String description) {
        this.shape = Objects.requireNonNull(shape, "shape");
        int order = shape.order();
        require(Double.isFinite(scale) && scale > 0, "the scale must be positive and finite, got " + scale);
        require(Double.isFinite(constant), "the constant must be finite, got " + constant);
        require(effects.length == order, effects.length + " effect vectors for a shape of order " + order);
        for (int n = 0; n < order; n++) {
            if (effects[n] != null) {
                require(effects[n].length == shape.dim(n), "the mode-" + n + " effects have " + effects[n].length + " values, the mode "
                        + shape.dim(n));
                requireFinite(effects[n], "mode-" + n + " effects");
            }
        }
        require(tableMode >= -1 && tableMode < order, "the table's left-out mode " + tableMode + " is not a mode of " + shape);
        if (tableMode >= 0) {
            long cells = shape.size() / shape.dim(tableMode);
            require(table != null && table.length == cells, "the table over every mode but " + tableMode + " needs " + cells + " values");
            requireFinite(table, "table");
        }
        require(components.size() == weights.length, components.size() + " factorizations and " + weights.length + " weights");
        for (int k = 0; k < weights.length; k++) {
            require(components.get(k).shape().equals(shape), "factorization " + k + " has shape " + components.get(k).shape()
                    + ", the model " + shape);
            require(Double.isFinite(weights[k]), "weight " + k + " is " + weights[k]);
        }
        this.scale = scale;
        this.constant = constant;
        this.effects = effects.clone();
        this.tableMode = tableMode;
        this.table = tableMode >= 0 ? table : null;
        this.components = components.toArray(Factorization[]::new);
        this.weights = weights.clone();
        this.description = Objects.requireNonNull(description, "description");
    }

    /**
     * A model that is exactly the CP factorization {@code W[i] = Σ_r Π_n Uⁿ[iₙ, r]} of the given
     * factor matrices {@code Uⁿ} ({@code dₙ × R}, one per mode, the same {@code R}): for serving
     * factors trained elsewhere (another process, another framework) with the same API and file
     * format as a fitted model. The factors are copied; close the model to release the copy.
     *
     * <pre>{@code
     * try (Tensor a = Tensor.matrix(new double[][] {{1, 0}, {0, 1}, {1, 1}});   // 3 × 2
     *      Tensor b = Tensor.matrix(new double[][] {{2, 1}, {1, 2}});           // 2 × 2
     *      CompletionModel model = CompletionModel.ofCp(a, b)) {
     *     double w = model.predict(2, 1);   // a[2,0]·b[1,0] + a[2,1]·b[1,1] = 1 + 2 = 3
     * }
     * }</pre>
     */
    public static CompletionModel ofCp(Tensor... factors) {
        int order = requireBlocks("CP", factors, "factor matrices");
        int rank = requireMatrix("CP factor 1", factors[0], -1);
        int[] dims = new int[order];
        for (int n = 0; n < order; n++) {
            requireMatrix("CP factor " + (n + 1), factors[n], rank);
            dims[n] = factors[n].rows();
        }
        return ofPlain(Factorization.Kind.CP, Shape.of(dims), new int[] {rank}, null, factors);
    }

    /**
     * A model that is exactly the Tucker factorization {@code W = G ×₁ U¹ ⋯ ×_N Uᴺ} of the core
     * {@code G} ({@code r₁ × ⋯ × r_N}) and the factor matrices {@code Uⁿ} ({@code dₙ × rₙ}). Copied,
     * as {@link #ofCp}.
     */
    public static CompletionModel ofTucker(Tensor core, Tensor... factors) {
        Objects.requireNonNull(core, "Tucker core");
        int order = requireBlocks("Tucker", factors, "factor matrices");
        if (core.order() != order) {
            throw new IllegalArgumentException("a Tucker core for " + order + " factor matrices needs order " + order + ", got shape "
                    + core.shape());
        }
        int[] dims = new int[order];
        for (int n = 0; n < order; n++) {
            requireMatrix("Tucker factor " + (n + 1), factors[n], core.dim(n));
            dims[n] = factors[n].rows();
        }
        return ofPlain(Factorization.Kind.TUCKER, Shape.of(dims), core.shape().dims(), core, factors);
    }

    /**
     * A model that is exactly the tensor train {@code W[i] = G₁[:, i₁, :] ⋯ G_N[:, i_N, :]} of the
     * cores {@code Gₖ} ({@code rₖ × dₖ × rₖ₊₁}, with {@code r₁ = r_{N+1} = 1}). Copied, as {@link #ofCp}.
     */
    public static CompletionModel ofTensorTrain(Tensor... cores) {
        int order = requireBlocks("tensor-train", cores, "cores");
        int[] dims = new int[order];
        int[] ranks = new int[order + 1];
        ranks[0] = 1;
        for (int k = 0; k < order; k++) {
            if (cores[k].order() != 3) {
                throw new IllegalArgumentException("tensor-train core " + (k + 1) + " must have order 3 (r × d × r'), got shape "
                        + cores[k].shape());
            }
            if (cores[k].dim(0) != ranks[k]) {
                throw new IllegalArgumentException("tensor-train core " + (k + 1) + " of shape " + cores[k].shape() + " must start with rank "
                        + ranks[k] + (k == 0 ? " (the first core's left rank is 1)" : " (the previous core's right rank)"));
            }
            dims[k] = cores[k].dim(1);
            ranks[k + 1] = cores[k].dim(2);
        }
        if (ranks[order] != 1) {
            throw new IllegalArgumentException("the last tensor-train core's right rank must be 1, got shape " + cores[order - 1].shape());
        }
        return ofPlain(Factorization.Kind.TENSOR_TRAIN, Shape.of(dims), ranks, null, cores);
    }

    private static int requireBlocks(String kind, Tensor[] blocks, String what) {
        Objects.requireNonNull(blocks, what);
        if (blocks.length < 2) {
            throw new IllegalArgumentException("a " + kind + " model needs at least two " + what + " (one per mode), got " + blocks.length);
        }
        for (int n = 0; n < blocks.length; n++) {
            Objects.requireNonNull(blocks[n], what + " " + (n + 1));
        }
        return blocks.length;
    }

    /** Refuses anything but a matrix with at least one row and {@code cols} columns (any count if negative); returns its columns. */
    private static int requireMatrix(String what, Tensor block, int cols) {
        if (block.order() != 2 || block.rows() < 1 || cols >= 0 && block.cols() != cols) {
            throw new IllegalArgumentException(what + " must be a matrix" + (cols >= 0 ? " with " + cols + " columns" : "")
                    + ", got shape " + block.shape());
        }
        return block.cols();
    }

    private static CompletionModel ofPlain(Factorization.Kind kind, Shape shape, int[] ranks, Tensor core, Tensor[] blocks) {
        Factorization factors = Factorization.ofFactors(kind, shape, ranks, core, blocks);
        return of(shape, 1.0, factors, kind + " ranks " + Arrays.toString(ranks));
    }

    /** One factorization, times {@code scale}; takes ownership of {@code factors} (closed if this fails). */
    static CompletionModel of(Shape shape, double scale, Factorization factors, String description) {
        try {
            return new CompletionModel(shape, scale, 0, new double[shape.order()][], -1, null, List.of(factors), new double[] {1},
                    description);
        } catch (RuntimeException | Error failure) {
            factors.close();
            throw failure;
        }
    }

    /**
     * {@code scale · (centre + Σ_k w_k F_k)}; takes ownership of the factorizations (closed if this
     * fails). {@code centre} may be null.
     */
    static CompletionModel of(Shape shape, double scale, MeanStructure centre, List<Factorization> factors, double[] weights,
                              String description) {
        try {
            MeanStructure.Terms terms = centre == null
                    ? new MeanStructure.Terms(0, new double[shape.order()][], -1, null) : centre.terms();
            return new CompletionModel(shape, scale, terms.constant(), terms.effects(), terms.tableMode(), terms.table(), factors,
                    weights, description);
        } catch (RuntimeException | Error failure) {
            factors.forEach(Factorization::close);
            throw failure;
        }
    }

    private static void require(boolean holds, String problem) {
        if (!holds) {
            throw new IllegalArgumentException("a completion model: " + problem);
        }
    }

    private static void requireFinite(double[] values, String what) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("a completion model: value " + i + " of the " + what + " is " + values[i]);
            }
        }
    }

    /**
     * Loads a model saved by {@link #save(Path)}: reads the file once and checks it whole (checksum,
     * version, sizes, finite values) before building anything.
     *
     * @throws FormatException if the file is not a model file, is corrupt or truncated, or was
     *     written by a newer format version
     * @throws IOException if the file cannot be read
     */
    public static CompletionModel load(Path file) throws IOException {
        return ModelFile.read(file);
    }

    /**
     * Saves the model to {@code file} atomically (a temporary file in the same folder, forced to
     * disk, renamed over the target): readers see the old file or the whole new one.
     */
    public void save(Path file) throws IOException {
        ModelFile.write(this, file);
    }

    /** The shape of the completed tensor. */
    public Shape shape() {
        return shape;
    }

    /** What the model is, in words (as the report names it). */
    public String describe() {
        return description;
    }

    /**
     * The values at the entries {@code at} (of this model's shape), written into {@code out} (a
     * vector of {@code at.count()} values). No allocation in steady state; thread-safe.
     *
     * @throws IllegalArgumentException if the coordinates are of another shape or {@code out} has
     *     the wrong size
     */
    public void predict(Coordinates at, Tensor out) {
        if (!at.shape().equals(shape)) {
            throw new IllegalArgumentException("coordinates into " + at.shape() + " cannot be predicted by a model of shape " + shape);
        }
        int m = at.count();
        if (out.order() != 1 || out.size() != m) {
            throw new IllegalArgumentException("predictions at " + m + " entries need a vector of " + m + " values, got shape " + out.shape());
        }
        MemorySegment values = out.segment();
        if (components.length == 0) {
            values.fill((byte) 0);
        } else {
            components[0].evaluate(at, out);
            double w0 = weights[0];
            for (int e = 0; e < m; e++) {
                values.setAtIndex(ValueLayout.JAVA_DOUBLE, e, w0 * values.getAtIndex(ValueLayout.JAVA_DOUBLE, e));
            }
            if (components.length > 1) {
                Tensor borrowed = borrow(m);
                try {
                    Tensor part = borrowed.view(0, m);
                    MemorySegment p = part.segment();
                    for (int k = 1; k < components.length; k++) {
                        components[k].evaluate(at, part);
                        double w = weights[k];
                        for (int e = 0; e < m; e++) {
                            values.setAtIndex(ValueLayout.JAVA_DOUBLE, e,
                                    values.getAtIndex(ValueLayout.JAVA_DOUBLE, e) + w * p.getAtIndex(ValueLayout.JAVA_DOUBLE, e));
                        }
                    }
                } finally {
                    if (!scratch.giveBack(borrowed)) {
                        borrowed.close();
                    }
                }
            }
        }
        int order = shape.order();
        for (int e = 0; e < m; e++) {
            double mean = constant;
            for (int n = 0; n < order; n++) {
                if (effects[n] != null) {
                    mean += effects[n][at.index(e, n)];
                }
            }
            if (tableMode >= 0) {
                long cell = 0;
                for (int n = 0; n < order; n++) {
                    if (n != tableMode) {
                        cell = cell * shape.dim(n) + at.index(e, n);
                    }
                }
                mean += table[(int) cell];
            }
            values.setAtIndex(ValueLayout.JAVA_DOUBLE, e, scale * (values.getAtIndex(ValueLayout.JAVA_DOUBLE, e) + mean));
        }
    }

    /** A scratch vector of at least {@code m} values from the pool, or a new one (the pool keeps it afterwards). */
    private Tensor borrow(int m) {
        Tensor found = scratch.borrow();
        if (found != null && found.size() >= m) {
            return found;
        }
        if (found != null) {
            found.close();
        }
        return Tensor.zeros(Math.max(m, 64));
    }

    /**
     * The value at one entry (0-based index per mode), by plain loops; thread-safe. For many entries,
     * {@link #predict(Coordinates, Tensor)} is much faster.
     *
     * @throws IndexOutOfBoundsException if the index is outside the shape
     */
    public double predict(int... index) {
        if (index.length != shape.order()) {
            throw new IndexOutOfBoundsException("an index of " + index.length + " modes for a model of shape " + shape);
        }
        double sum = 0;
        for (int k = 0; k < components.length; k++) {
            double v = components[k].at(index);
            sum = k == 0 ? weights[0] * v : sum + weights[k] * v;
        }
        return scale * (sum + meanAt(index));
    }

    private double meanAt(int[] index) {
        double mean = constant;
        int order = shape.order();
        for (int n = 0; n < order; n++) {
            if (effects[n] != null) {
                mean += effects[n][index[n]];
            }
        }
        if (tableMode >= 0) {
            long cell = 0;
            for (int n = 0; n < order; n++) {
                if (n != tableMode) {
                    cell = cell * shape.dim(n) + index[n];
                }
            }
            mean += table[(int) cell];
        }
        return mean;
    }

    /**
     * The whole completed tensor, written into {@code out} (of this shape): each factorization
     * reconstructed densely (GEMM-based), then combined as {@link #predict(Coordinates, Tensor)}
     * combines them; equal to the predictions to rounding (the dense products sum in another
     * order). Allocates one tensor of the shape when there are several factorizations.
     */
    public void toTensor(Tensor out) {
        if (!out.shape().equals(shape)) {
            throw new IllegalArgumentException("a model of shape " + shape + " cannot be written into a tensor of shape " + out.shape());
        }
        if (components.length == 0) {
            out.fill(0);
        } else {
            components[0].reconstruct(out);
            for (long i = 0; i < out.size(); i++) {
                out.setFlat(i, weights[0] * out.getFlat(i));
            }
            if (components.length > 1) {
                try (Tensor part = Tensor.zeros(shape)) {
                    for (int k = 1; k < components.length; k++) {
                        components[k].reconstruct(part);
                        for (long i = 0; i < out.size(); i++) {
                            out.setFlat(i, out.getFlat(i) + weights[k] * part.getFlat(i));
                        }
                    }
                }
            }
        }
        int[] index = new int[shape.order()];
        for (long offset = 0; offset < out.size(); offset++) {
            out.setFlat(offset, scale * (out.getFlat(offset) + meanAt(index)));
            for (int n = index.length - 1; n >= 0; n--) {
                if (++index[n] < shape.dim(n)) {
                    break;
                }
                index[n] = 0;
            }
        }
    }

    // --------------------------------------------------------------------- for ModelFile and tests

    double scale() {
        return scale;
    }

    double constant() {
        return constant;
    }

    double[] effects(int mode) {
        return effects[mode];
    }

    int tableMode() {
        return tableMode;
    }

    double[] table() {
        return table;
    }

    List<Factorization> components() {
        return List.of(components);
    }

    double[] weights() {
        return weights.clone();
    }

    /** Releases the factorizations and the scratch pool. */
    @Override
    public void close() {
        for (Factorization component : components) {
            component.close();
        }
        scratch.drain(Tensor::close);
    }

    @Override
    public String toString() {
        return "CompletionModel[" + shape + ", " + description + ", " + components.length + " factorization"
                + (components.length == 1 ? "" : "s") + (Arrays.stream(effects).anyMatch(Objects::nonNull) ? ", main effects" : "")
                + (tableMode >= 0 ? ", mode-" + tableMode + " fibre table" : "") + "]";
    }
}
