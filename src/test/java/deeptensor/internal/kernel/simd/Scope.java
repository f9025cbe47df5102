package deeptensor.internal.kernel.simd;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Test helper: makes tensors and coordinates from a seed and closes them all at the end. */
final class Scope implements AutoCloseable {

    /** The non-finite and signed-zero values that {@link #gaussian} mixes in when asked to. */
    private static final double[] SPECIAL = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0};

    private final List<AutoCloseable> owned = new ArrayList<>();
    private final SplittableRandom random;
    private final double specials;

    Scope(long seed) {
        this(seed, 0);
    }

    /**
     * A scope whose {@link #gaussian} tensors have each element replaced, with probability
     * {@code specials}, by NaN, +∞, −∞, +0 or −0.
     */
    Scope(long seed, double specials) {
        this.random = new SplittableRandom(seed);
        this.specials = specials;
    }

    SplittableRandom random() {
        return random;
    }

    Tensor gaussian(int... dims) {
        Tensor t = keep(Tensor.gaussian(random.nextLong(), 1.0, dims));
        if (specials > 0) {
            for (long i = 0; i < t.size(); i++) {
                if (random.nextDouble() < specials) {
                    t.setFlat(i, SPECIAL[random.nextInt(SPECIAL.length)]);
                }
            }
        }
        return t;
    }

    Tensor zeros(int... dims) {
        return keep(Tensor.zeros(dims));
    }

    /** A tensor of the given shape filled with NaN: outputs must overwrite every element. */
    Tensor garbage(int... dims) {
        return keep(Tensor.zeros(dims).fill(Double.NaN));
    }

    /**
     * {@code |t|} element-wise, for the magnitudes of {@link Bounds}, except that zeros become the
     * smallest normal number: then no {@code 0·∞} arises in a magnitude, which is NaN exactly where a
     * NaN input reaches the element and +∞ where an infinite one does. (The extra terms are below
     * 10⁻³⁰⁰ and do not change a bound.)
     */
    Tensor abs(Tensor t) {
        Tensor copy = keep(Tensor.zeros(t.shape()));
        for (long i = 0; i < t.size(); i++) {
            double x = Math.abs(t.getFlat(i));
            copy.setFlat(i, x == 0 ? Double.MIN_NORMAL : x);
        }
        return copy;
    }

    Tensor[] abs(Tensor[] ts) {
        Tensor[] copies = new Tensor[ts.length];
        for (int n = 0; n < ts.length; n++) {
            copies[n] = ts[n] == null ? null : abs(ts[n]);
        }
        return copies;
    }

    /** {@code count} random coordinates into {@code shape} (repeats allowed, as in real data). */
    Coordinates coordinates(Shape shape, int count) {
        int order = shape.order();
        boolean empty = shape.size() == 0;
        int[] flat = new int[empty ? 0 : count * order];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = random.nextInt(shape.dim(i % order));
        }
        return keep(Coordinates.of(shape, flat));
    }

    int[] dims(int order, int max) {
        int[] dims = new int[order];
        for (int n = 0; n < order; n++) {
            dims[n] = random.nextInt(max + 1);
        }
        return dims;
    }

    <T extends AutoCloseable> T keep(T resource) {
        owned.add(resource);
        return resource;
    }

    @Override
    public void close() {
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
