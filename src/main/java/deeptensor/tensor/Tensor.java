package deeptensor.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A dense {@code double} tensor in row-major (C) order over a 64-byte-aligned off-heap
 * {@link MemorySegment}.
 *
 * <h2>Ownership</h2>
 * A tensor made by one of the factory methods ({@link #zeros}, {@link #of}, {@link #gaussian}, ...)
 * owns its memory through an {@link Arena} of its own and must be {@linkplain #close() closed}; use
 * it in try-with-resources. Views ({@link #reshape}, {@link #slice(int)}, {@link #slice(int, int)})
 * share the memory of the tensor they come from, do not own it, and become unusable when that tensor
 * is closed. Any use after close fails fast with an {@link IllegalStateException} that names the
 * tensor. The memory is shared between threads (a shared arena), so kernels may split work across
 * threads; closing while another thread uses the tensor is the caller's error.
 *
 * <h2>Checks</h2>
 * Multi-index access checks every index against its mode (on by default; the JVM property
 * {@code -Ddeeptensor.uncheckedIndexes=true} skips the per-mode checks, leaving only the segment's
 * own bounds check). Shapes are guarded against overflow and against sizes the machine cannot hold
 * before anything is allocated.
 *
 * <h2>Cost</h2>
 * Factories allocate (and zero) off-heap memory: first touch of fresh pages is slow, so allocate
 * once and reuse. Element accessors and views do not allocate off-heap memory.
 */
public final class Tensor implements AutoCloseable {

    /** Alignment of every tensor's first element, in bytes (one AVX-512 vector, one cache line). */
    static final long ALIGNMENT = 64;

    private static final ValueLayout.OfDouble ELEMENT = ValueLayout.JAVA_DOUBLE;
    private static final boolean CHECK_INDEXES = !Boolean.getBoolean("deeptensor.uncheckedIndexes");

    private final Shape shape;
    private final MemorySegment segment;
    /** The arena that owns the memory; null for a view. */
    private final Arena arena;
    /** The tensor that owns the memory (this one, or the root of a view). */
    private final Tensor owner;

    private Tensor(Shape shape, MemorySegment segment, Arena arena, Tensor owner) {
        this.shape = shape;
        this.segment = segment;
        this.arena = arena;
        this.owner = owner == null ? this : owner;
    }

    // ----------------------------------------------------------------------------------- factories

    /** A new tensor of zeros with the given shape. */
    public static Tensor zeros(Shape shape) {
        long bytes = MemoryBudget.reserveTensor(shape);
        Arena arena = Arena.ofShared();
        try {
            MemorySegment segment = arena.allocate(Math.max(bytes, 1), ALIGNMENT).asSlice(0, bytes);
            return new Tensor(shape, segment, arena, null);
        } catch (OutOfMemoryError | IllegalArgumentException refused) {
            arena.close();
            MemoryBudget.release(bytes);
            throw new IllegalArgumentException("cannot allocate a tensor of shape " + shape + " ("
                    + bytes + " bytes): " + refused.getMessage(), refused);
        }
    }

    /** A new tensor of zeros with the given mode sizes. */
    public static Tensor zeros(int... dims) {
        return zeros(Shape.of(dims));
    }

    /** A new tensor holding a copy of {@code values} (row-major) with the given shape. */
    public static Tensor of(double[] values, int... dims) {
        Shape shape = Shape.of(dims);
        if (values.length != shape.size()) {
            throw new IllegalArgumentException("an array of " + values.length + " values cannot fill shape " + shape
                    + " of " + shape.size() + " elements");
        }
        Tensor tensor = zeros(shape);
        MemorySegment.copy(values, 0, tensor.segment, ELEMENT, 0, values.length);
        return tensor;
    }

    /** A new matrix (order-2 tensor) from rows of equal length. */
    public static Tensor matrix(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        Tensor tensor = zeros(rows.length, cols);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) {
                tensor.close();
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values; row 0 has " + cols);
            }
            MemorySegment.copy(rows[i], 0, tensor.segment, ELEMENT, (long) i * cols * Double.BYTES, cols);
        }
        return tensor;
    }

    /** A new tensor of i.i.d. normal values with mean 0 and the given standard deviation, reproducible from the seed. */
    public static Tensor gaussian(long seed, double std, int... dims) {
        Tensor tensor = zeros(dims);
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < tensor.size(); i++) {
            tensor.setFlat(i, std * random.nextGaussian());
        }
        return tensor;
    }

    /** A new tensor of i.i.d. values uniform in [lo, hi), reproducible from the seed. */
    public static Tensor uniform(long seed, double lo, double hi, int... dims) {
        Tensor tensor = zeros(dims);
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < tensor.size(); i++) {
            tensor.setFlat(i, lo + (hi - lo) * random.nextDouble());
        }
        return tensor;
    }

    /** A new tensor with the same shape and values as this one (never a view). */
    public Tensor copy() {
        Tensor copy = zeros(shape);
        copy.copyFrom(this);
        return copy;
    }

    // ------------------------------------------------------------------------------------- shape

    public Shape shape() {
        return shape;
    }

    public int order() {
        return shape.order();
    }

    public int dim(int mode) {
        return shape.dim(mode);
    }

    public long size() {
        return shape.size();
    }

    /** Rows of a matrix (order-2 tensor). */
    public int rows() {
        requireMatrix();
        return shape.dim(0);
    }

    /** Columns of a matrix (order-2 tensor). */
    public int cols() {
        requireMatrix();
        return shape.dim(1);
    }

    private void requireMatrix() {
        if (shape.order() != 2) {
            throw new IllegalStateException("a matrix was expected, but this tensor has shape " + shape);
        }
    }

    // ------------------------------------------------------------------------------------ memory

    /**
     * The off-heap memory: {@code size()} doubles in row-major order, native byte order, the first
     * aligned to 64 bytes. Valid until the owning tensor is closed.
     */
    public MemorySegment segment() {
        checkOpen();
        return segment;
    }

    /** Whether the memory is still usable (the owning tensor is not closed). */
    public boolean isOpen() {
        return segment.scope().isAlive();
    }

    /** Whether this tensor is a view into another tensor's memory. */
    boolean isView() {
        return owner != this;
    }

    /** Whether this tensor and {@code other} share any memory (views of one tensor may). */
    boolean overlaps(Tensor other) {
        return segment.asOverlappingSlice(other.segment).isPresent();
    }

    /**
     * Releases the memory of a tensor that owns it; afterwards this tensor and all its views fail
     * on use. Closing twice is allowed. Closing a view does nothing: the memory belongs to the
     * tensor the view came from.
     */
    @Override
    public void close() {
        if (arena != null && segment.scope().isAlive()) {
            arena.close();
            MemoryBudget.release(segment.byteSize());
        }
    }

    private void checkOpen() {
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("tensor of shape " + shape + (isView() ? " (a view)" : "")
                    + " is used after its memory was released by close()");
        }
    }

    // --------------------------------------------------------------------------- element access

    /** The element at a row-major offset in {@code [0, size())}. */
    public double getFlat(long offset) {
        checkOpen();
        checkFlat(offset);
        return segment.getAtIndex(ELEMENT, offset);
    }

    /** Sets the element at a row-major offset in {@code [0, size())}. */
    public void setFlat(long offset, double value) {
        checkOpen();
        checkFlat(offset);
        segment.setAtIndex(ELEMENT, offset, value);
    }

    /** The element at a multi-index (one index per mode, each checked). */
    public double get(int... index) {
        checkOpen();
        return segment.getAtIndex(ELEMENT, offsetOf(index));
    }

    /** Sets the element at a multi-index (one index per mode, each checked). */
    public void set(double value, int... index) {
        checkOpen();
        segment.setAtIndex(ELEMENT, offsetOf(index), value);
    }

    private long offsetOf(int[] index) {
        if (CHECK_INDEXES) {
            return shape.offset(index);
        }
        long offset = 0;
        for (int mode = 0; mode < index.length; mode++) {
            offset += index[mode] * shape.stride(mode);
        }
        return offset;
    }

    private void checkFlat(long offset) {
        if (offset < 0 || offset >= shape.size()) {
            throw new IndexOutOfBoundsException("offset " + offset + " is outside tensor of shape " + shape
                    + " (" + shape.size() + " elements)");
        }
    }

    /** Sets every element to {@code value}. */
    public Tensor fill(double value) {
        if (Double.doubleToRawLongBits(value) == 0L) {
            segment().fill((byte) 0); // +0.0 is all zero bits
            return this;
        }
        checkOpen();
        for (long i = 0; i < shape.size(); i++) {
            segment.setAtIndex(ELEMENT, i, value);
        }
        return this;
    }

    /** Copies the values of a tensor of the same shape into this one. */
    public Tensor copyFrom(Tensor source) {
        if (!source.shape.equals(shape)) {
            throw new IllegalArgumentException("cannot copy a tensor of shape " + source.shape + " into shape " + shape);
        }
        MemorySegment.copy(source.segment(), 0, segment(), 0, segment.byteSize());
        return this;
    }

    /** A new heap array with the values in row-major order. */
    public double[] toArray() {
        if (shape.size() > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor of shape " + shape + " is too large for a Java array");
        }
        return segment().toArray(ELEMENT);
    }

    // ------------------------------------------------------------------------------------- views

    /** A view with another shape of the same element count (row-major order is kept). */
    public Tensor reshape(int... dims) {
        Shape reshaped = Shape.of(dims);
        if (reshaped.size() != shape.size()) {
            throw new IllegalArgumentException("cannot reshape " + shape + " (" + shape.size() + " elements) to "
                    + reshaped + " (" + reshaped.size() + " elements)");
        }
        checkOpen();
        return new Tensor(reshaped, segment, null, owner);
    }

    /** The sub-tensor at {@code index} of mode 0, one order lower (a view). */
    public Tensor slice(int index) {
        if (shape.order() == 0) {
            throw new IllegalStateException("a scalar has no mode to slice");
        }
        if (index < 0 || index >= shape.dim(0)) {
            throw new IndexOutOfBoundsException("slice " + index + " is outside mode 0 of shape " + shape);
        }
        int[] dims = shape.dims();
        Shape sliced = Shape.of(Arrays.copyOfRange(dims, 1, dims.length));
        checkOpen();
        long start = index * shape.stride(0) * Double.BYTES;
        return new Tensor(sliced, segment.asSlice(start, sliced.size() * Double.BYTES), null, owner);
    }

    /** The sub-tensor of indices {@code [from, to)} along mode 0, same order (a view). */
    public Tensor slice(int from, int to) {
        if (shape.order() == 0) {
            throw new IllegalStateException("a scalar has no mode to slice");
        }
        if (from < 0 || to > shape.dim(0) || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") is outside mode 0 of shape " + shape);
        }
        Shape sliced = shape.withDim(0, to - from);
        checkOpen();
        long start = from * shape.stride(0) * Double.BYTES;
        return new Tensor(sliced, segment.asSlice(start, sliced.size() * Double.BYTES), null, owner);
    }

    /**
     * A view of the {@code Π dims} elements starting at row-major element {@code offset}, with the
     * given shape: for carving several buffers out of one workspace. The range must lie inside
     * this tensor.
     */
    public Tensor view(long offset, int... dims) {
        Shape viewed = Shape.of(dims);
        if (offset < 0 || offset > shape.size() || viewed.size() > shape.size() - offset) {
            throw new IndexOutOfBoundsException("a view of shape " + viewed + " at element " + offset
                    + " does not fit in a tensor of shape " + shape + " (" + shape.size() + " elements)");
        }
        checkOpen();
        return new Tensor(viewed, segment.asSlice(offset * Double.BYTES, viewed.size() * Double.BYTES), null, owner);
    }

    @Override
    public String toString() {
        return "Tensor[" + shape + (isOpen() ? "" : ", closed") + "]";
    }
}
