package deeptensor.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The observed entries of a tensor: distinct {@link Coordinates} into a shape, each with a finite
 * value. This is the data of a completion problem; the entries not listed are missing.
 *
 * <p>Invariants, checked when built: order at least 1, every coordinate inside the shape, no
 * coordinate listed twice, every value finite (NaN marks a <em>missing</em> entry in dense input,
 * so it is never an observed value; infinities would make every loss infinite). Entries keep the
 * order they were given in (row-major order when built from a dense tensor).
 *
 * <p>Owns off-heap memory (coordinates and values): close it, for example with try-with-resources.
 */
public final class Observations implements AutoCloseable {

    private static final ValueLayout.OfDouble VALUE = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt INDEX = ValueLayout.JAVA_INT;
    /** Longest heap {@code int[]} the JVM allocates reliably; {@link Coordinates} are built from one. */
    private static final long MAX_INDEXES = Integer.MAX_VALUE - 8;

    private final Coordinates coordinates;
    private final Tensor values;

    private Observations(Coordinates coordinates, Tensor values) {
        this.coordinates = coordinates;
        this.values = values;
    }

    // ----------------------------------------------------------------------------------- factories

    /**
     * Observations from a flat row-major array of indexes ({@code values.length × shape.order()},
     * 0-based) and one value per entry.
     *
     * @throws IllegalArgumentException if the shape has order 0, the lengths disagree, a value is
     *     not finite, or a coordinate appears twice
     * @throws IndexOutOfBoundsException if an index is outside the shape
     */
    public static Observations of(Shape shape, int[] flatIndexes, double[] values) {
        requireOrder(shape);
        if ((long) values.length * shape.order() != flatIndexes.length) {
            throw new IllegalArgumentException(flatIndexes.length + " indexes do not match " + values.length
                    + " values of order-" + shape.order() + " entries for shape " + shape);
        }
        for (int entry = 0; entry < values.length; entry++) {
            if (!Double.isFinite(values[entry])) {
                throw new IllegalArgumentException("entry " + entry + " " + Arrays.toString(Arrays.copyOfRange(flatIndexes,
                        entry * shape.order(), (entry + 1) * shape.order())) + " has the value " + values[entry]
                        + "; observed values must be finite");
            }
        }
        Coordinates coordinates = Coordinates.of(shape, flatIndexes);
        try {
            requireDistinct(coordinates);
            return new Observations(coordinates, valuesTensor(values, values.length));
        } catch (RuntimeException | Error failure) {
            coordinates.close();
            throw failure;
        }
    }

    /**
     * Observations of the entries {@code at} with {@code values} (a vector of {@code at.count()}
     * values), both copied: the caller keeps and closes its own. The same checks as every other
     * factory.
     *
     * @throws IllegalArgumentException if the values are not a vector of one value per entry, a
     *     value is not finite, or a coordinate appears twice
     */
    public static Observations of(Coordinates at, Tensor values) {
        int count = at.count(), order = at.order();
        if (values.order() != 1 || values.size() != count) {
            throw new IllegalArgumentException(count + " coordinates need a vector of " + count + " values, got shape " + values.shape());
        }
        if ((long) count * order > MAX_INDEXES) {
            throw new IllegalArgumentException(count + " entries of order " + order + " are more than coordinates can index");
        }
        int[] flat = new int[count * order];
        MemorySegment.copy(at.segment(), INDEX, 0, flat, 0, flat.length);
        return of(at.shape(), flat, values.toArray());
    }

    /**
     * The observations of a dense tensor in which NaN marks a missing entry: every non-NaN element
     * is observed, in row-major order.
     *
     * @throws IllegalArgumentException if the tensor is a scalar, holds an infinity, or has more
     *     observed entries than {@link Coordinates} can index
     */
    public static Observations fromDense(Tensor dense) {
        return fromDense(dense, null);
    }

    /**
     * The observations of a dense tensor where {@code mask} is 1 (observed) and not where it is 0;
     * unobserved elements may hold anything, NaN included.
     *
     * @param mask a tensor of the same shape holding only 0.0 and 1.0 (as read from a boolean file)
     * @throws IllegalArgumentException if the shapes differ, the mask holds another value, or an
     *     observed element is NaN or infinite
     */
    public static Observations fromDense(Tensor dense, Tensor mask) {
        Shape shape = dense.shape();
        requireOrder(shape);
        if (mask != null && !mask.shape().equals(shape)) {
            throw new IllegalArgumentException("the mask has shape " + mask.shape() + ", the values " + shape);
        }
        MemorySegment data = dense.segment();
        MemorySegment observed = mask == null ? null : mask.segment();
        long size = shape.size();
        long count = 0;
        for (long i = 0; i < size; i++) {
            if (isObserved(data, observed, i, shape)) {
                count++;
            }
        }
        if (count * shape.order() > MAX_INDEXES) {
            throw new IllegalArgumentException("a tensor of shape " + shape + " has " + count
                    + " observed entries, more than coordinates can index (" + MAX_INDEXES / shape.order() + ")");
        }
        requireHeap(shape, count);
        int order = shape.order();
        int[] flat = new int[(int) count * order];
        double[] values = new double[(int) count];
        int[] index = new int[order];
        int entry = 0;
        for (long i = 0; i < size; i++) {
            if (isObserved(data, observed, i, shape)) {
                System.arraycopy(index, 0, flat, entry * order, order);
                values[entry++] = data.getAtIndex(VALUE, i);
            }
            increment(index, shape);
        }
        Coordinates coordinates = Coordinates.of(shape, flat);
        try {
            return new Observations(coordinates, valuesTensor(values, values.length));
        } catch (RuntimeException | Error failure) {
            coordinates.close();
            throw failure;
        }
    }

    /**
     * Refuses, with a message, to build more entries than the Java heap can stage: the indexes and
     * values pass through heap arrays on their way off-heap, and an {@link OutOfMemoryError} would
     * say nothing about why.
     */
    private static void requireHeap(Shape shape, long count) {
        long bytes = count * ((long) Integer.BYTES * shape.order() + Double.BYTES);
        Runtime runtime = Runtime.getRuntime();
        long free = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        if (bytes > free) {
            throw new IllegalArgumentException("the " + count + " observed entries of a tensor of shape " + shape + " need "
                    + bytes + " bytes of Java heap while they are built, more than the " + free
                    + " bytes free; give the JVM more memory (-Xmx)");
        }
    }

    private static boolean isObserved(MemorySegment data, MemorySegment mask, long i, Shape shape) {
        double value = data.getAtIndex(VALUE, i);
        if (mask != null) {
            double flag = mask.getAtIndex(VALUE, i);
            if (flag == 0.0) {
                return false;
            }
            if (flag != 1.0) {
                throw new IllegalArgumentException("the mask holds " + flag + " at " + indexText(shape, i)
                        + "; a mask holds only 0 and 1");
            }
            if (Double.isNaN(value)) {
                throw new IllegalArgumentException("the value at " + indexText(shape, i)
                        + " is NaN, but the mask marks it observed");
            }
        } else if (Double.isNaN(value)) {
            return false;
        }
        if (Double.isInfinite(value)) {
            throw new IllegalArgumentException("the value at " + indexText(shape, i) + " is " + value
                    + "; observed values must be finite");
        }
        return true;
    }

    private static String indexText(Shape shape, long offset) {
        int[] index = new int[shape.order()];
        shape.index(offset, index);
        return Arrays.toString(index);
    }

    /** Advances a row-major multi-index by one element. */
    private static void increment(int[] index, Shape shape) {
        for (int mode = index.length - 1; mode >= 0; mode--) {
            if (++index[mode] < shape.dim(mode)) {
                return;
            }
            index[mode] = 0;
        }
    }

    private static void requireOrder(Shape shape) {
        if (shape.order() == 0) {
            throw new IllegalArgumentException("observations need a tensor of order at least 1, not a scalar");
        }
    }

    private static Tensor valuesTensor(double[] values, int count) {
        Tensor tensor = Tensor.zeros(count);
        MemorySegment.copy(values, 0, tensor.segment(), VALUE, 0, count);
        return tensor;
    }

    /** Refuses a coordinate listed twice, naming both entries. */
    private static void requireDistinct(Coordinates coordinates) {
        int count = coordinates.count();
        long[] offsets = new long[count];
        for (int entry = 0; entry < count; entry++) {
            offsets[entry] = coordinates.offset(entry);
        }
        long[] sorted = offsets.clone();
        Arrays.sort(sorted);
        for (int k = 1; k < count; k++) {
            if (sorted[k] == sorted[k - 1]) {
                int first = -1;
                for (int entry = 0; entry < count; entry++) {
                    if (offsets[entry] == sorted[k]) {
                        if (first >= 0) {
                            throw new IllegalArgumentException("entries " + first + " and " + entry + " both observe "
                                    + indexText(coordinates.shape(), sorted[k]) + "; each entry may be observed once");
                        }
                        first = entry;
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------- access

    /** The shape of the tensor observed. */
    public Shape shape() {
        return coordinates.shape();
    }

    /** Number of modes. */
    int order() {
        return coordinates.order();
    }

    /** Number of observed entries. */
    public int count() {
        return coordinates.count();
    }

    /** Observed share of the tensor's entries, {@code count() / shape().size()} (0 for an empty shape). */
    double fraction() {
        long size = shape().size();
        return size == 0 ? 0.0 : (double) count() / size;
    }

    /**
     * The observed coordinates; owned by these observations (do not close them), valid until
     * {@link #close()}.
     */
    public Coordinates coordinates() {
        return coordinates;
    }

    /**
     * The observed values as an order-1 tensor of {@link #count()} elements, entry order. A view:
     * closing it does nothing, and it is valid until these observations are closed.
     */
    public Tensor values() {
        return values.reshape(count());
    }

    /** The value of one entry. */
    public double value(int entry) {
        checkEntry(entry);
        return values.getFlat(entry);
    }

    /** The index of one entry along one mode (0-based). */
    int index(int entry, int mode) {
        return coordinates.index(entry, mode);
    }

    /** The row-major offset of one entry in a dense tensor of {@link #shape()}. */
    long offset(int entry) {
        return coordinates.offset(entry);
    }

    private void checkEntry(int entry) {
        if (entry < 0 || entry >= count()) {
            throw new IndexOutOfBoundsException("entry " + entry + " is outside " + count() + " observations");
        }
    }

    // ---------------------------------------------------------------------------------- derived

    /** A new dense tensor of {@link #shape()} holding the observed values and NaN elsewhere. */
    public Tensor toDense() {
        Tensor dense = Tensor.zeros(shape()).fill(Double.NaN);
        scatter(dense, false);
        return dense;
    }

    /** A new dense tensor of {@link #shape()} holding 1.0 where observed and 0.0 elsewhere. */
    Tensor mask() {
        Tensor mask = Tensor.zeros(shape());
        scatter(mask, true);
        return mask;
    }

    private void scatter(Tensor target, boolean ones) {
        MemorySegment memory = target.segment();
        for (int entry = 0; entry < count(); entry++) {
            memory.setAtIndex(VALUE, offset(entry), ones ? 1.0 : values.getFlat(entry));
        }
    }


    @Override
    public void close() {
        try {
            coordinates.close();
        } finally {
            values.close();
        }
    }

    @Override
    public String toString() {
        return "Observations[" + count() + " of " + shape() + "]";
    }
}
