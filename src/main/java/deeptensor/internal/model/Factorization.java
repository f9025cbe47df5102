package deeptensor.internal.model;

import deeptensor.internal.ScratchPool;
import deeptensor.internal.kernel.ModeProductPlan;
import deeptensor.kernel.TensorOps;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A fitted CP, Tucker or tensor-train model reduced to its plain factors: what a trained
 * {@link Model} computes, without its training machinery (deep factor chains are multiplied out,
 * gradients and optimizer state are gone). It is what a saved completion model holds, and what
 * serves predictions.
 *
 * <p>All values live in one off-heap vector ({@link #values()}), laid out by kind:
 * <ul>
 *   <li>{@link Kind#CP}, ranks {@code [R]}: the factors {@code U¹ … Uᴺ}, each {@code dₙ × R} row-major;
 *       {@code W[i] = Σ_r Π_n Uⁿ[iₙ, r]}.</li>
 *   <li>{@link Kind#TUCKER}, ranks {@code [r₁ … r_N]}: the core {@code G} ({@code r₁ × ⋯ × r_N}
 *       row-major), then the factors {@code Uⁿ}, each {@code dₙ × rₙ}; {@code W = G ×₁ U¹ ⋯ ×_N Uᴺ}.</li>
 *   <li>{@link Kind#TENSOR_TRAIN}, ranks {@code [1, r₁ … r_{N−1}, 1]}: the cores {@code Gₖ}, each
 *       {@code rₖ × dₖ × rₖ₊₁}; {@code W[i] = G₁[:, i₁, :] ⋯ G_N[:, i_N, :]}.</li>
 * </ul>
 *
 * <p>Immutable once made (the vector is copied in and never written again) and safe for any number
 * of threads. {@link #evaluate} runs the library's sampled kernels (SIMD where the Vector API is
 * present) and allocates nothing in steady state; {@link #at} is a plain loop for single entries.
 * A Tucker factorization whose core is large keeps, when it is at least four times cheaper per entry
 * and at most 256 MB, the partial product {@code P = G ×_{n≠m} Uⁿ} of the mode {@code m} that makes
 * it smallest: an entry then costs {@code r_m} multiply-adds instead of a contraction with the core.
 * Close it to release its memory.
 */
public final class Factorization implements AutoCloseable {

    /** The model family. */
    public enum Kind {
        CP, TUCKER, TENSOR_TRAIN
    }

    private final Kind kind;
    private final Shape shape;
    private final int[] ranks;
    private final Tensor values;
    /** Views into {@link #values}: CP and Tucker factors, or TT cores. */
    private final Tensor[] blocks;
    /** The Tucker core (a view), else null. */
    private final Tensor core;
    /**
     * Tucker only, when cheaper: {@code P = G ×_{n≠m} Uⁿ} (the core multiplied by every factor but
     * mode {@code m}'s), stored as a matrix with one row per index of the other modes (row-major
     * over them) and the {@code r_m} values of mode {@code m} contiguous in the row, so that an
     * entry is one dot product of two contiguous rows: {@code U^m[i_m, ·] · P[cell(i), ·]}. Null
     * otherwise.
     */
    private final Tensor partial;
    private final int partialMode;
    /** {@code {U^m, P}}: the two "factors" of the order-2 CP evaluation an entry then is. */
    private final Tensor[] partialPair;
    /** The shape {@code (d_m, cells)} that evaluation indexes into. */
    private final Shape partialPairShape;
    /** Reusable chunks of order-2 coordinates and their values, so that a batch allocates nothing. */
    private final ScratchPool<PairChunk> chunks = new ScratchPool<>();
    /** Small chunks for small batches, so that one entry does not pay for {@link #CHUNK}. */
    private final ScratchPool<PairChunk> smallChunks = new ScratchPool<>();

    private Factorization(Kind kind, Shape shape, int[] ranks, Tensor values) {
        this.kind = kind;
        this.shape = shape;
        this.ranks = ranks;
        this.values = values;
        int order = shape.order();
        this.blocks = new Tensor[order];
        long at = 0;
        switch (kind) {
            case CP -> {
                this.core = null;
                for (int n = 0; n < order; n++) {
                    blocks[n] = values.view(at, shape.dim(n), ranks[0]);
                    at += (long) shape.dim(n) * ranks[0];
                }
            }
            case TUCKER -> {
                this.core = values.view(0, ranks);
                at = core.size();
                for (int n = 0; n < order; n++) {
                    blocks[n] = values.view(at, shape.dim(n), ranks[n]);
                    at += (long) shape.dim(n) * ranks[n];
                }
            }
            case TENSOR_TRAIN -> {
                this.core = null;
                for (int k = 0; k < order; k++) {
                    long size = (long) ranks[k] * shape.dim(k) * ranks[k + 1];
                    blocks[k] = values.view(at, ranks[k], shape.dim(k), ranks[k + 1]);
                    at += size;
                }
            }
            default -> throw new AssertionError(kind);
        }
        int mode = kind == Kind.TUCKER ? cheapestPartialMode() : -1;
        this.partialMode = mode;
        this.partial = mode >= 0 ? partialProduct(mode) : null;
        this.partialPair = partial == null ? null : new Tensor[] {blocks[mode], partial};
        this.partialPairShape = partial == null ? null : Shape.of(shape.dim(mode), partial.dim(0));
    }

    /** Largest partial product kept for Tucker predictions, in elements (256 MB). */
    static final long PARTIAL_LIMIT = 32L << 20;

    /**
     * The mode whose partial product {@code G ×_{n≠m} Uⁿ} is smallest, if caching it pays: it must
     * fit under {@link #PARTIAL_LIMIT} and cut the per-entry work at least fourfold.
     */
    private int cheapestPartialMode() {
        int best = -1;
        long bestSize = Long.MAX_VALUE;
        for (int m = 0; m < shape.order(); m++) {
            long size = ranks[m];
            for (int n = 0; n < shape.order() && size <= PARTIAL_LIMIT; n++) {
                size = n == m ? size : Math.multiplyHigh(size, shape.dim(n)) != 0 ? Long.MAX_VALUE : size * shape.dim(n);
            }
            if (size < bestSize) {
                best = m;
                bestSize = size;
            }
        }
        boolean pays = best >= 0 && bestSize <= PARTIAL_LIMIT && 4.0 * ranks[best] <= flopsPerEntry();
        return pays ? best : -1;
    }

    /**
     * {@code G ×_{n≠m} Uⁿ} by plain loops, one mode at a time. Not the SIMD kernels: a model is often
     * loaded once by a short-lived process, where Vector API code still runs in the interpreter and is
     * hundreds of times slower than these loops, which the JIT compiles at once.
     */
    private Tensor partialProduct(int mode) {
        int order = shape.order();
        int[] dims = ranks.clone();
        Tensor current = core.copy();
        try {
            for (int n = 0; n < order; n++) {
                if (n == mode) {
                    continue;
                }
                int r = dims[n], d = shape.dim(n);
                long outer = 1, inner = 1;
                for (int k = 0; k < n; k++) {
                    outer *= dims[k];
                }
                for (int k = n + 1; k < order; k++) {
                    inner *= dims[k];
                }
                dims[n] = d;
                Tensor next = Tensor.zeros(dims);
                MemorySegment x = current.segment(), y = next.segment(), u = blocks[n].segment();
                for (long i = 0; i < outer; i++) {
                    for (int j = 0; j < d; j++) {
                        long to = (i * d + j) * inner;
                        for (int t = 0; t < r; t++) {
                            double weight = u.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) j * r + t);
                            long from = (i * r + t) * inner;
                            for (long k = 0; k < inner; k++) {
                                y.setAtIndex(ValueLayout.JAVA_DOUBLE, to + k, y.getAtIndex(ValueLayout.JAVA_DOUBLE, to + k)
                                        + weight * x.getAtIndex(ValueLayout.JAVA_DOUBLE, from + k));
                            }
                        }
                    }
                }
                current.close();
                current = next;
            }
            Tensor rows = modeLast(current, dims, mode);
            current.close();
            return rows;
        } catch (RuntimeException | Error failure) {
            current.close();
            throw failure;
        }
    }

    /**
     * {@code x} (of {@code dims}) with mode {@code m} moved last, as a matrix: one row per index of
     * the other modes (row-major over them), the {@code dims[m]} values of mode m along the row.
     */
    private static Tensor modeLast(Tensor x, int[] dims, int m) {
        long outer = 1, inner = 1;
        for (int k = 0; k < m; k++) {
            outer *= dims[k];
        }
        for (int k = m + 1; k < dims.length; k++) {
            inner *= dims[k];
        }
        int width = dims[m];
        Tensor rows = Tensor.zeros(Math.toIntExact(outer * inner), width);
        MemorySegment from = x.segment(), to = rows.segment();
        for (long o = 0; o < outer; o++) {
            for (int a = 0; a < width; a++) {
                long source = (o * width + a) * inner;
                long target = o * inner * width + a;
                for (long i = 0; i < inner; i++) {
                    to.setAtIndex(ValueLayout.JAVA_DOUBLE, target + i * width, from.getAtIndex(ValueLayout.JAVA_DOUBLE, source + i));
                }
            }
        }
        return rows;
    }

    /**
     * A factorization of {@code kind} for {@code shape} with {@code ranks}, its values copied from
     * {@code values} (laid out as the class comment says).
     *
     * @throws IllegalArgumentException if the ranks do not fit the kind and shape, the number of
     *     values is not what they imply, or a value is not finite
     */
    public static Factorization of(Kind kind, Shape shape, int[] ranks, Tensor values) {
        long expected = valueCount(kind, shape, ranks);
        if (values.size() != expected) {
            throw new IllegalArgumentException("a " + describe(kind, shape, ranks) + " has " + expected + " values, got " + values.size());
        }
        for (long i = 0; i < values.size(); i++) {
            if (!Double.isFinite(values.getFlat(i))) {
                throw new IllegalArgumentException("value " + i + " of a " + describe(kind, shape, ranks) + " is " + values.getFlat(i));
            }
        }
        Tensor copy = Tensor.zeros((int) expected);
        MemorySegment.copy(values.segment(), 0, copy.segment(), 0, expected * Double.BYTES);
        return new Factorization(kind, shape, ranks.clone(), copy);
    }

    /**
     * The number of values a factorization of this kind, shape and ranks holds.
     *
     * @throws IllegalArgumentException if the ranks do not fit the kind and shape, or the count
     *     would not fit in one tensor
     */
    public static long valueCount(Kind kind, Shape shape, int[] ranks) {
        int order = shape.order();
        if (order < 1) {
            throw new IllegalArgumentException("a factorization needs a shape of order at least 1, got " + shape);
        }
        for (int r : ranks) {
            if (r < 1) {
                throw new IllegalArgumentException("ranks must be at least 1, got " + Arrays.toString(ranks));
            }
        }
        long count;
        switch (kind) {
            case CP -> {
                require(ranks.length == 1, kind, shape, ranks, "one rank");
                count = 0;
                for (int n = 0; n < order; n++) {
                    count = Math.addExact(count, Math.multiplyExact((long) shape.dim(n), ranks[0]));
                }
            }
            case TUCKER -> {
                require(ranks.length == order, kind, shape, ranks, order + " ranks");
                count = Shape.of(ranks).size();
                for (int n = 0; n < order; n++) {
                    count = Math.addExact(count, Math.multiplyExact((long) shape.dim(n), ranks[n]));
                }
            }
            case TENSOR_TRAIN -> {
                require(ranks.length == order + 1 && ranks[0] == 1 && ranks[order] == 1, kind, shape, ranks,
                        (order + 1) + " bond ranks starting and ending with 1");
                count = 0;
                for (int k = 0; k < order; k++) {
                    count = Math.addExact(count, Math.multiplyExact(Math.multiplyExact((long) ranks[k], shape.dim(k)), ranks[k + 1]));
                }
            }
            default -> throw new AssertionError(kind);
        }
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a " + describe(kind, shape, ranks) + " has " + count + " values, more than one tensor holds");
        }
        return count;
    }

    private static void require(boolean holds, Kind kind, Shape shape, int[] ranks, String what) {
        if (!holds) {
            throw new IllegalArgumentException("a " + kind + " factorization of shape " + shape + " needs " + what + ", got "
                    + Arrays.toString(ranks));
        }
    }

    private static String describe(Kind kind, Shape shape, int[] ranks) {
        return kind + " factorization of shape " + shape + " with ranks " + Arrays.toString(ranks);
    }

    /**
     * A factorization made of copies of the given blocks: for CP the {@code N} factor matrices
     * ({@code dₙ × R}, {@code coreOrNull} null), for Tucker the core ({@code r₁ × ⋯ × r_N}) and the
     * {@code N} factor matrices ({@code dₙ × rₙ}), for a tensor train the {@code N} cores
     * ({@code r_k × d_k × r_{k+1}}, {@code coreOrNull} null). Trained models hand over their
     * factors (deep ones multiplied out) this way; so can factors trained elsewhere.
     */
    public static Factorization ofFactors(Kind kind, Shape shape, int[] ranks, Tensor coreOrNull, Tensor[] blocks) {
        long count = valueCount(kind, shape, ranks);
        if ((coreOrNull != null) != (kind == Kind.TUCKER) || blocks.length != shape.order()) {
            throw new IllegalArgumentException("a " + describe(kind, shape, ranks) + " is made of " + shape.order()
                    + (kind == Kind.TUCKER ? " factor matrices and a core" : kind == Kind.CP ? " factor matrices" : " cores")
                    + ", got " + blocks.length + " blocks" + (coreOrNull != null ? " and a core" : ""));
        }
        long given = coreOrNull != null ? coreOrNull.size() : 0;
        for (Tensor block : blocks) {
            given += block.size();
        }
        if (given != count) {
            throw new IllegalArgumentException("a " + describe(kind, shape, ranks) + " has " + count + " values, the blocks given hold " + given);
        }
        try (Tensor flat = Tensor.zeros((int) count)) {
            long at = 0;
            if (coreOrNull != null) {
                MemorySegment.copy(coreOrNull.segment(), 0, flat.segment(), 0, coreOrNull.size() * Double.BYTES);
                at = coreOrNull.size();
            }
            for (Tensor block : blocks) {
                MemorySegment.copy(block.segment(), 0, flat.segment(), at * Double.BYTES, block.size() * Double.BYTES);
                at += block.size();
            }
            return of(kind, shape, ranks, flat);
        }
    }

    /** Views of the CP or Tucker factor matrices, or of the tensor-train cores (valid while this is open). */
    public Tensor[] blocks() {
        return blocks.clone();
    }

    /** A view of the Tucker core (valid while this is open), or null for the other kinds. */
    public Tensor core() {
        return core;
    }

    /** Whether Tucker entries are computed from a cached partial product (see the class comment). */
    public boolean usesPartialProduct() {
        return partial != null;
    }

    public Kind kind() {
        return kind;
    }

    public Shape shape() {
        return shape;
    }

    /** The ranks, as the class comment defines them per kind (a copy). */
    public int[] ranks() {
        return ranks.clone();
    }

    /** All values in the documented layout, read-only. */
    public MemorySegment values() {
        return values.segment().asReadOnly();
    }

    /** Number of values. */
    public long size() {
        return values.size();
    }

    /** Flops of one entry's value: {@code N·R} (CP), {@code Σ_n Π_{m≥n} r_m} (Tucker), {@code Σ_k r_k r_{k+1}} (TT), roughly. */
    public double flopsPerEntry() {
        int order = shape.order();
        double flops = 0;
        switch (kind) {
            case CP -> flops = (double) order * ranks[0];
            case TUCKER -> {
                double block = 1;
                for (int n = order - 1; n >= 0; n--) {
                    block *= ranks[n];
                    flops += 2 * block;
                }
            }
            case TENSOR_TRAIN -> {
                for (int k = 0; k < order; k++) {
                    flops += 2.0 * ranks[k] * ranks[k + 1];
                }
            }
            default -> throw new AssertionError(kind);
        }
        return flops;
    }

    /**
     * The model's values at {@code at}, written into {@code out} (a vector of {@code at.count()}).
     * Runs the sampled kernels; no allocation in steady state; safe from many threads at once.
     */
    public void evaluate(Coordinates at, Tensor out) {
        switch (kind) {
            case CP -> TensorOps.cpEvaluate(blocks, at, out);
            case TUCKER -> {
                if (partial != null) {
                    evaluateFromPartial(at, out);
                } else {
                    TensorOps.tuckerEvaluate(core, blocks, at, out);
                }
            }
            case TENSOR_TRAIN -> TensorOps.ttEvaluate(blocks, at, out);
            default -> throw new AssertionError(kind);
        }
    }

    /** Entries per chunk of {@link #evaluateFromPartial}: small enough for L1, large enough to amortize a call. */
    private static final int CHUNK = 256;
    /** Entries per chunk for batches of at most this many. */
    private static final int SMALL_CHUNK = 8;

    /** Order-2 coordinates {@code (i_m, cell)} for one chunk of entries, and the chunk's values. */
    private record PairChunk(Coordinates at, Tensor values) implements AutoCloseable {
        @Override
        public void close() {
            at.close();
            values.close();
        }
    }

    /**
     * {@code out[e] = U^m[i_m, ·] · P[cell(i), ·]}: {@code r_m} multiply-adds per entry, run as the
     * order-2 CP evaluation of the sampled kernels (SIMD where present) on chunks of entries whose
     * coordinates are rewritten in place; a chunk comes from a lock-free pool and goes back to it.
     */
    private void evaluateFromPartial(Coordinates at, Tensor out) {
        if (!at.shape().equals(shape)) {
            throw new IllegalArgumentException("coordinates into " + at.shape() + " cannot be evaluated by a factorization of shape " + shape);
        }
        if (out.order() != 1 || out.size() != at.count()) {
            throw new IllegalArgumentException(at.count() + " entries need a vector of " + at.count() + " values, got shape " + out.shape());
        }
        int order = shape.order(), m = partialMode, count = at.count();
        boolean small = count <= SMALL_CHUNK;
        int size = small ? SMALL_CHUNK : CHUNK;
        ScratchPool<PairChunk> pool = small ? smallChunks : chunks;
        PairChunk chunk = pool.borrow();
        if (chunk == null) {
            chunk = new PairChunk(Coordinates.of(partialPairShape, new int[2 * size]), Tensor.zeros(size));
        }
        try {
            MemorySegment source = at.segment(), pairs = chunk.at().segment(), values = chunk.values().segment(), o = out.segment();
            for (int first = 0; first < count; first += size) {
                int n = Math.min(size, count - first);
                for (int e = 0; e < n; e++) {
                    long base = (long) (first + e) * order, cell = 0;
                    for (int k = 0; k < order; k++) {
                        if (k != m) {
                            cell = cell * shape.dim(k) + source.getAtIndex(ValueLayout.JAVA_INT, base + k);
                        }
                    }
                    pairs.setAtIndex(ValueLayout.JAVA_INT, 2L * e, source.getAtIndex(ValueLayout.JAVA_INT, base + m));
                    pairs.setAtIndex(ValueLayout.JAVA_INT, 2L * e + 1, (int) cell);
                }
                for (int e = n; e < size; e++) { // a short last chunk: the rest points at a valid entry
                    pairs.setAtIndex(ValueLayout.JAVA_INT, 2L * e, 0);
                    pairs.setAtIndex(ValueLayout.JAVA_INT, 2L * e + 1, 0);
                }
                TensorOps.cpEvaluate(partialPair, chunk.at(), chunk.values());
                MemorySegment.copy(values, 0, o, (long) first * Double.BYTES, (long) n * Double.BYTES);
            }
        } finally {
            if (!pool.giveBack(chunk)) {
                chunk.close();
            }
        }
    }

    /**
     * The value at one entry (0-based index per mode), by a plain loop; allocates nothing for CP and
     * tensor trains, one small array per call for Tucker's running contraction.
     *
     * @throws IndexOutOfBoundsException if the index is outside the shape
     */
    public double at(int... index) {
        checkIndex(index);
        int order = shape.order();
        MemorySegment v = values.segment();
        return switch (kind) {
            case CP -> {
                int rank = ranks[0];
                double sum = 0;
                for (int r = 0; r < rank; r++) {
                    double product = 1;
                    for (int n = 0; n < order; n++) {
                        product *= blocks[n].get(index[n], r);
                    }
                    sum += product;
                }
                yield sum;
            }
            case TUCKER -> {
                if (partial != null) {
                    int m = partialMode;
                    int cell = 0;
                    for (int n = 0; n < order; n++) {
                        cell = n == m ? cell : cell * shape.dim(n) + index[n];
                    }
                    double sum = 0;
                    for (int a = 0; a < ranks[m]; a++) {
                        sum += blocks[m].get(index[m], a) * partial.get(cell, a);
                    }
                    yield sum;
                }
                // Contract the last mode first: G (r₁…r_N) → Σ over r_N with U^N[i_N, ·], and so on.
                double[] current = core.toArray();
                int length = current.length;
                for (int n = order - 1; n >= 0; n--) {
                    int r = ranks[n];
                    int outer = length / r;
                    for (int o = 0; o < outer; o++) {
                        double sum = 0;
                        for (int k = 0; k < r; k++) {
                            sum += current[o * r + k] * blocks[n].get(index[n], k);
                        }
                        current[o] = sum;
                    }
                    length = outer;
                }
                yield current[0];
            }
            case TENSOR_TRAIN -> {
                // A row vector times each core's slice: at most max rank values live at once.
                int maxRank = 1;
                for (int r : ranks) {
                    maxRank = Math.max(maxRank, r);
                }
                double[] row = new double[maxRank], next = new double[maxRank];
                row[0] = 1;
                for (int k = 0; k < order; k++) {
                    int left = ranks[k], right = ranks[k + 1];
                    for (int b = 0; b < right; b++) {
                        double sum = 0;
                        for (int a = 0; a < left; a++) {
                            sum += row[a] * blocks[k].get(a, index[k], b);
                        }
                        next[b] = sum;
                    }
                    double[] swap = row;
                    row = next;
                    next = swap;
                }
                yield row[0];
            }
            default -> throw new AssertionError(kind);
        };
    }

    private void checkIndex(int[] index) {
        if (index.length != shape.order()) {
            throw new IndexOutOfBoundsException("an index of " + index.length + " modes for shape " + shape);
        }
        for (int n = 0; n < index.length; n++) {
            if (index[n] < 0 || index[n] >= shape.dim(n)) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " is outside shape " + shape + " (mode " + n + ")");
            }
        }
    }

    /** The whole tensor, written into {@code out} (of this shape). Allocates its intermediates. */
    public void reconstruct(Tensor out) {
        if (!out.shape().equals(shape)) {
            throw new IllegalArgumentException("a factorization of shape " + shape + " cannot be written into a tensor of shape " + out.shape());
        }
        switch (kind) {
            case CP -> TensorOps.cpReconstruct(blocks, out);
            case TUCKER -> {
                try (Tensor workspace = Tensor.zeros(Math.toIntExact(ModeProductPlan.workspaceSize(core.shape(), blocks)))) {
                    ModeProductPlan.of(core, blocks, workspace).run(out);
                }
            }
            case TENSOR_TRAIN -> reconstructTrain(out);
            default -> throw new AssertionError(kind);
        }
    }

    /** Left products P_k = G₁ ⋯ G_k as (d₁⋯d_k) × r_k matrices, one GEMM per core. */
    private void reconstructTrain(Tensor out) {
        int order = shape.order();
        Tensor left = blocks[0].reshape(shape.dim(0), ranks[1]).copy();
        if (order == 1) {
            out.copyFrom(left.reshape(shape.dims()));
            left.close();
            return;
        }
        try {
            for (int k = 1; k < order; k++) {
                long rows = shape.sizeOf(0, k);
                Tensor next = Tensor.zeros(Math.toIntExact(rows * shape.dim(k)), ranks[k + 1]);
                try {
                    TensorOps.gemm(1.0, left, false, blocks[k].reshape(ranks[k], shape.dim(k) * ranks[k + 1]), false, 0.0,
                            next.reshape(Math.toIntExact(rows), shape.dim(k) * ranks[k + 1]));
                } catch (RuntimeException | Error failure) {
                    next.close();
                    throw failure;
                }
                left.close();
                left = next;
            }
            out.copyFrom(left.reshape(shape.dims()));
        } finally {
            left.close();
        }
    }

    @Override
    public void close() {
        values.close();
        if (partial != null) {
            partial.close();
            chunks.drain(PairChunk::close);
            smallChunks.drain(PairChunk::close);
        }
    }

    @Override
    public String toString() {
        return kind + " " + shape + ", ranks " + Arrays.toString(ranks) + (values.isOpen() ? "" : ", closed");
    }
}
