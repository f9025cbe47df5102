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
 * <pre>{@code
 * Path file = Files.createTempFile("ratings", ".csv");
 * Files.writeString(file, "0,0,4.5\n0,2,3.0\n1,1,5.0\n");       // user, item, rating; 0-based
 * SparseOptions options = SparseOptions.defaults().withIndexBase(0).withShape(Shape.of(2, 3));
 * try (Observations observed = TensorFiles.readObservations(file, options)) {
 *     System.out.println(observed.count() + " ratings of " + observed.shape());   // 3 ratings of 2×3
 * }
 * }</pre>
 */
public final class SparseOptions {

    private final Optional<Shape> shape;
    private final Duplicates duplicates;
    private final int indexBase;

    private SparseOptions(Optional<Shape> shape, Duplicates duplicates, int indexBase) {
        Objects.requireNonNull(duplicates, "duplicates");
        if (indexBase != 0 && indexBase != 1) {
            throw new IllegalArgumentException("the index base is " + indexBase + "; it must be 0 or 1");
        }
        if (shape.isPresent() && shape.get().order() == 0) {
            throw new IllegalArgumentException("a sparse tensor needs a shape of order at least 1");
        }
        this.shape = shape;
        this.duplicates = duplicates;
        this.indexBase = indexBase;
    }

    /** No declared shape (inferred from the largest index per mode), duplicates refused, 1-based indexes. */
    public static SparseOptions defaults() {
        return new SparseOptions(Optional.empty(), Duplicates.ERROR, 1);
    }

    /** The same options with a declared shape: every index must lie inside it. */
    public SparseOptions withShape(Shape given) {
        return new SparseOptions(Optional.of(Objects.requireNonNull(given, "shape")), duplicates, indexBase);
    }

    /** The same options with another policy for an entry listed twice. */
    public SparseOptions withDuplicates(Duplicates policy) {
        return new SparseOptions(shape, policy, indexBase);
    }

    /** The same options with 0- or 1-based indexes. */
    public SparseOptions withIndexBase(int base) {
        return new SparseOptions(shape, duplicates, base);
    }

    /** The declared shape, if any. */
    public Optional<Shape> shape() {
        return shape;
    }

    /** What to do with an entry listed twice. */
    public Duplicates duplicates() {
        return duplicates;
    }

    /** 0 or 1: the index of a mode's first element in the file. */
    public int indexBase() {
        return indexBase;
    }

    @Override
    public String toString() {
        return "SparseOptions[shape=" + shape.map(Shape::toString).orElse("inferred") + ", duplicates=" + duplicates
                + ", indexBase=" + indexBase + "]";
    }
}
