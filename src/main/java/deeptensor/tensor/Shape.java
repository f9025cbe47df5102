package deeptensor.tensor;

import java.util.Arrays;

/**
 * The sizes of a dense tensor's modes, with its row-major (C order) strides.
 *
 * <p>Immutable. Every mode size is a non-negative {@code int}; the element count is a {@code long}
 * and is guarded against overflow when the shape is built, so code holding a {@code Shape} never
 * has to check again. Zero-size modes are allowed (the tensor then has no elements); order 0 (a
 * scalar, one element) is allowed too.
 */
public final class Shape {

    /** The largest element count a shape may have: its byte size must fit in a {@code long}. */
    static final long MAX_ELEMENTS = Long.MAX_VALUE / Double.BYTES;

    private final int[] dims;
    private final long[] strides;
    private final long size;

    private Shape(int[] dims) {
        this.dims = dims;
        this.strides = new long[dims.length];
        long count = 1;
        for (int mode = dims.length - 1; mode >= 0; mode--) {
            if (dims[mode] < 0) {
                throw new IllegalArgumentException(
                        "mode " + mode + " of shape " + Arrays.toString(dims) + " has negative size " + dims[mode]);
            }
            strides[mode] = count;
            count = multiplyGuarded(count, dims[mode], dims);
        }
        this.size = count;
    }

    private static long multiplyGuarded(long count, int dim, int[] dims) {
        try {
            long product = Math.multiplyExact(count, (long) dim);
            if (product > MAX_ELEMENTS) {
                throw new ArithmeticException();
            }
            return product;
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException("shape " + Arrays.toString(dims)
                    + " has more elements than a tensor can hold (at most " + MAX_ELEMENTS + ")");
        }
    }

    /** A shape with the given mode sizes; rejects negative sizes and element counts that overflow. */
    public static Shape of(int... dims) {
        if (dims == null) {
            throw new IllegalArgumentException("shape must not be null");
        }
        return new Shape(dims.clone());
    }

    /**
     * A shape from {@code long} sizes, as read from files: rejects sizes that do not fit an
     * {@code int} mode with a message naming them.
     */
    static Shape ofLongs(long... dims) {
        int[] narrow = new int[dims.length];
        for (int mode = 0; mode < dims.length; mode++) {
            if (dims[mode] < 0 || dims[mode] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("mode " + mode + " of shape " + Arrays.toString(dims)
                        + " has size " + dims[mode] + ", outside 0.." + Integer.MAX_VALUE);
            }
            narrow[mode] = (int) dims[mode];
        }
        return new Shape(narrow);
    }

    /** Number of modes (0 for a scalar). */
    public int order() {
        return dims.length;
    }

    /** Size of one mode. */
    public int dim(int mode) {
        checkMode(mode);
        return dims[mode];
    }

    /** A copy of the mode sizes. */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements: the product of the mode sizes. */
    public long size() {
        return size;
    }

    /** Elements between consecutive indices of {@code mode} in row-major layout. */
    public long stride(int mode) {
        checkMode(mode);
        return strides[mode];
    }

    /** Product of the sizes of modes {@code [from, to)}; 1 for an empty range. */
    public long sizeOf(int from, int to) {
        if (from < 0 || to > dims.length || from > to) {
            throw new IndexOutOfBoundsException("mode range [" + from + ", " + to + ") outside a shape of order " + order());
        }
        // The whole shape's size is guarded, but with a zero-size mode elsewhere a sub-range can
        // still overflow: refuse rather than wrap.
        long product = 1;
        for (int mode = from; mode < to; mode++) {
            product = multiplyGuarded(product, dims[mode], dims);
        }
        return product;
    }

    /** The same shape with mode {@code mode} resized to {@code newSize} (as a mode-n product does). */
    public Shape withDim(int mode, int newSize) {
        checkMode(mode);
        int[] changed = dims.clone();
        changed[mode] = newSize;
        return new Shape(changed);
    }

    /** Row-major offset of a multi-index, each index checked against its mode size. */
    public long offset(int... index) {
        if (index.length != dims.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " components; shape " + this + " has order " + dims.length);
        }
        long offset = 0;
        for (int mode = 0; mode < dims.length; mode++) {
            if (index[mode] < 0 || index[mode] >= dims[mode]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " is outside shape " + this
                        + " (mode " + mode + ")");
            }
            offset += index[mode] * strides[mode];
        }
        return offset;
    }

    /** The multi-index of a row-major offset, written into {@code index}. */
    public void index(long offset, int[] index) {
        if (offset < 0 || offset >= size) {
            throw new IndexOutOfBoundsException("offset " + offset + " is outside shape " + this + " of " + size + " elements");
        }
        for (int mode = 0; mode < dims.length; mode++) {
            index[mode] = (int) (offset / strides[mode]);
            offset -= index[mode] * strides[mode];
        }
    }

    private void checkMode(int mode) {
        if (mode < 0 || mode >= dims.length) {
            throw new IndexOutOfBoundsException("mode " + mode + " does not exist in shape " + this + " of order " + dims.length);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Shape that && Arrays.equals(dims, that.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** The sizes joined by {@code ×}, for example {@code 2×3×4}; a scalar prints as {@code scalar}. */
    @Override
    public String toString() {
        if (dims.length == 0) {
            return "scalar";
        }
        StringBuilder text = new StringBuilder();
        for (int mode = 0; mode < dims.length; mode++) {
            if (mode > 0) {
                text.append('×');
            }
            text.append(dims[mode]);
        }
        return text.toString();
    }
}
