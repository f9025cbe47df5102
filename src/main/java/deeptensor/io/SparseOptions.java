package deeptensor.io;

import deeptensor.tensor.Shape;
import java.util.Objects;
import java.util.Optional;

/**
 * How a sparse text file ({@code .tns} or CSV coordinates) is read: the tensor's shape (given, or
 * inferred as the largest coordinate in each mode), the duplicate policy, and whether coordinates
 * count from 1 or from 0. Immutable; start from {@link #defaults()} and change with the
 * {@code with...} methods.
 *
 * @param shape the shape, or empty to infer it from the coordinates
 * @param duplicates what to do with a coordinate listed twice
 * @param indexBase 1 if the file's first index is 1 (FROSTT, the default), 0 if it is 0
 */
public record SparseOptions(Optional<Shape> shape, Duplicates duplicates, int indexBase) {

    /** Checks the components. */
    public SparseOptions {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(duplicates, "duplicates");
        if (indexBase != 0 && indexBase != 1) {
            throw new IllegalArgumentException("the index base is " + indexBase + "; it must be 0 or 1");
        }
        if (shape.isPresent() && shape.get().order() == 0) {
            throw new IllegalArgumentException("a sparse tensor needs a shape of order at least 1");
        }
    }

    /** Inferred shape, duplicates refused, 1-based coordinates. */
    public static SparseOptions defaults() {
        return new SparseOptions(Optional.empty(), Duplicates.ERROR, 1);
    }

    /** The same options with a given shape: coordinates outside it are refused. */
    public SparseOptions withShape(Shape given) {
        return new SparseOptions(Optional.of(given), duplicates, indexBase);
    }

    /** The same options with another duplicate policy. */
    public SparseOptions withDuplicates(Duplicates policy) {
        return new SparseOptions(shape, policy, indexBase);
    }

    /** The same options with coordinates counted from {@code base} (0 or 1). */
    public SparseOptions withIndexBase(int base) {
        return new SparseOptions(shape, duplicates, base);
    }
}
