package deeptensor.kernel.simd;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Test helper: makes tensors and coordinates from a seed and closes them all at the end. */
final class Scope implements AutoCloseable {

    private final List<AutoCloseable> owned = new ArrayList<>();
    private final SplittableRandom random;

    Scope(long seed) {
        this.random = new SplittableRandom(seed);
    }

    SplittableRandom random() {
        return random;
    }

    Tensor gaussian(int... dims) {
        return keep(Tensor.gaussian(random.nextLong(), 1.0, dims));
    }

    Tensor zeros(int... dims) {
        return keep(Tensor.zeros(dims));
    }

    /** A tensor of the given shape filled with NaN: outputs must overwrite every element. */
    Tensor garbage(int... dims) {
        return keep(Tensor.zeros(dims).fill(Double.NaN));
    }

    Tensor abs(Tensor t) {
        Tensor copy = keep(Tensor.zeros(t.shape()));
        for (long i = 0; i < t.size(); i++) {
            copy.setFlat(i, Math.abs(t.getFlat(i)));
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
