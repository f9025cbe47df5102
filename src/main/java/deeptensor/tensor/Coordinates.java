package deeptensor.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A list of {@code count} multi-indexes into tensors of one shape: the observed positions of a
 * completion problem. Stored off-heap as {@code int}s, row-major ({@code count × order}), each index
 * checked against the shape once when the list is built, so kernels that walk it need no checks.
 *
 * <p>Owns its memory: close it (try-with-resources).
 */
public final class Coordinates implements AutoCloseable {

    private static final ValueLayout.OfInt INDEX = ValueLayout.JAVA_INT;

    private final Shape shape;
    private final int count;
    private final Arena arena;
    private final MemorySegment indexes;

    private Coordinates(Shape shape, int count) {
        this.shape = shape;
        this.count = count;
        long ints = (long) count * shape.order();
        long bytes = ints * Integer.BYTES;
        MemoryBudget.reserve(bytes, count + " coordinates into " + shape);
        Arena owned = Arena.ofShared();
        try {
            this.indexes = owned.allocate(Math.max(1, ints) * Integer.BYTES, Tensor.ALIGNMENT).asSlice(0, bytes);
        } catch (OutOfMemoryError | IllegalArgumentException refused) {
            owned.close();
            MemoryBudget.release(bytes);
            throw new IllegalArgumentException("cannot allocate " + count + " coordinates into " + shape + ": " + refused.getMessage(), refused);
        }
        this.arena = owned;
    }

    /**
     * Coordinates from a flat row-major array ({@code count × shape.order()} indexes), each checked
     * against {@code shape}.
     */
    public static Coordinates of(Shape shape, int[] flatIndexes) {
        int order = shape.order();
        if (order == 0) {
            throw new IllegalArgumentException("coordinates need a shape of order at least 1");
        }
        if (flatIndexes.length % order != 0) {
            throw new IllegalArgumentException(flatIndexes.length + " indexes do not split into whole entries of order "
                    + order + " for shape " + shape);
        }
        int count = flatIndexes.length / order;
        for (int entry = 0; entry < count; entry++) {
            for (int mode = 0; mode < order; mode++) {
                int index = flatIndexes[entry * order + mode];
                if (index < 0 || index >= shape.dim(mode)) {
                    throw new IndexOutOfBoundsException("entry " + entry + " "
                            + Arrays.toString(Arrays.copyOfRange(flatIndexes, entry * order, entry * order + order))
                            + " is outside shape " + shape + " (mode " + mode + ")");
                }
            }
        }
        Coordinates coordinates = new Coordinates(shape, count);
        MemorySegment.copy(flatIndexes, 0, coordinates.indexes, INDEX, 0, flatIndexes.length);
        return coordinates;
    }

    /** Coordinates from one array per entry. */
    public static Coordinates of(Shape shape, int[][] entries) {
        int order = shape.order();
        int[] flat = new int[Math.multiplyExact(entries.length, order)];
        for (int entry = 0; entry < entries.length; entry++) {
            if (entries[entry].length != order) {
                throw new IllegalArgumentException("entry " + entry + " " + Arrays.toString(entries[entry]) + " has "
                        + entries[entry].length + " indexes; shape " + shape + " has order " + order);
            }
            System.arraycopy(entries[entry], 0, flat, entry * order, order);
        }
        return of(shape, flat);
    }

    /** The coordinates of elements {@code offsets} (row-major offsets) of a tensor of {@code shape}. */
    public static Coordinates ofOffsets(Shape shape, long[] offsets) {
        int order = shape.order();
        int[] flat = new int[Math.multiplyExact(offsets.length, order)];
        int[] index = new int[order];
        for (int entry = 0; entry < offsets.length; entry++) {
            shape.index(offsets[entry], index);
            System.arraycopy(index, 0, flat, entry * order, order);
        }
        return of(shape, flat);
    }

    /** The shape these coordinates index into. */
    public Shape shape() {
        return shape;
    }

    /** Number of modes per entry. */
    int order() {
        return shape.order();
    }

    /** Number of entries. */
    public int count() {
        return count;
    }

    /** Index of {@code entry} along {@code mode}. */
    public int index(int entry, int mode) {
        segment(); // fails with a clear message after close
        if (entry < 0 || entry >= count || mode < 0 || mode >= shape.order()) {
            throw new IndexOutOfBoundsException("entry " + entry + ", mode " + mode + " outside " + count
                    + " coordinates of order " + shape.order());
        }
        return indexes.getAtIndex(INDEX, (long) entry * shape.order() + mode);
    }

    /** Row-major offset of {@code entry} in a tensor of {@link #shape()}. */
    public long offset(int entry) {
        long offset = 0;
        for (int mode = 0; mode < shape.order(); mode++) {
            offset += index(entry, mode) * shape.stride(mode);
        }
        return offset;
    }

    /** The indexes as a segment of {@code count × order} ints, row-major; valid until close. */
    public MemorySegment segment() {
        if (!indexes.scope().isAlive()) {
            throw new IllegalStateException(count + " coordinates into " + shape + " are used after close()");
        }
        return indexes;
    }

    @Override
    public void close() {
        if (indexes.scope().isAlive()) {
            arena.close();
            MemoryBudget.release(indexes.byteSize());
        }
    }

    @Override
    public String toString() {
        return "Coordinates[" + count + " into " + shape + "]";
    }
}
