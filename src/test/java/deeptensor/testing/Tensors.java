package deeptensor.testing;

import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/** Small helpers for tests: element-wise maps, inner products, and a list of tensors closed together. */
public final class Tensors implements AutoCloseable {

    private final List<AutoCloseable> owned = new ArrayList<>();

    /** Registers a tensor (or coordinates) to close with this holder, and returns it. */
    public <T extends AutoCloseable> T add(T resource) {
        owned.add(resource);
        return resource;
    }

    /** A new tensor of the given shape, registered. */
    public Tensor zeros(Shape shape) {
        return add(Tensor.zeros(shape));
    }

    /** A new random tensor of the given shape with values in [-1, 1), registered. */
    public Tensor random(long seed, int... dims) {
        return add(Tensor.uniform(seed, -1, 1, dims));
    }

    /** A new tensor {@code f(x)} element-wise, registered. */
    public Tensor map(Tensor x, DoubleUnaryOperator f) {
        Tensor out = add(Tensor.zeros(x.shape()));
        for (long i = 0; i < x.size(); i++) {
            out.setFlat(i, f.applyAsDouble(x.getFlat(i)));
        }
        return out;
    }

    /** {@code |x|} element-wise, registered. */
    public Tensor abs(Tensor x) {
        return map(x, Math::abs);
    }

    /** {@code |x|} for each tensor (null stays null). */
    public Tensor[] abs(Tensor[] xs) {
        Tensor[] out = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = xs[i] == null ? null : abs(xs[i]);
        }
        return out;
    }

    /** {@code a·x + b·y}, registered. */
    public Tensor combine(double a, Tensor x, double b, Tensor y) {
        Tensor out = add(Tensor.zeros(x.shape()));
        for (long i = 0; i < x.size(); i++) {
            out.setFlat(i, a * x.getFlat(i) + b * y.getFlat(i));
        }
        return out;
    }

    /** Frobenius inner product. */
    public static double dot(Tensor x, Tensor y) {
        double sum = 0;
        for (long i = 0; i < x.size(); i++) {
            sum += x.getFlat(i) * y.getFlat(i);
        }
        return sum;
    }

    /** {@code Σ |x_i|·|y_i|}: the magnitude of the terms of {@link #dot}. */
    public static double absDot(Tensor x, Tensor y) {
        double sum = 0;
        for (long i = 0; i < x.size(); i++) {
            sum += Math.abs(x.getFlat(i) * y.getFlat(i));
        }
        return sum;
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        owned.clear();
    }
}
