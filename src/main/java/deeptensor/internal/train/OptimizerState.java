package deeptensor.internal.train;

import deeptensor.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The running state of an {@link Optimizer} for one parameter vector: the step count, a few scalars
 * and zero or more moment vectors (off-heap, allocated once). {@link #step} updates the parameters in
 * place. The state can be copied (to keep a last good state) and saved in a checkpoint through
 * {@link #step()}, {@link #scalars()} and {@link #vectors()}.
 */
public abstract sealed class OptimizerState implements AutoCloseable {

    static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    private final Optimizer optimizer;
    private final int size;
    long steps;

    OptimizerState(Optimizer optimizer, int size) {
        this.optimizer = optimizer;
        this.size = size;
    }

    /** A fresh state (step 0, zero moments) that steps vectors of {@code size} parameters as {@code optimizer} says. */
    public static OptimizerState start(Optimizer optimizer, int size) {
        return switch (optimizer) {
            case Optimizer.GradientDescent settings -> new GradientDescentState(settings, size);
            case Optimizer.GroupRmsProp settings -> new GroupRmsPropState(settings, size);
            case Optimizer.Adam settings -> new AdamState(settings, size);
        };
    }

    /** The settings this state follows. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** Number of updates done so far. */
    public long step() {
        return steps;
    }

    /** Applies one update to {@code values} from {@code gradients} (both of the state's size). */
    public void step(Tensor values, Tensor gradients) {
        if (values.size() != size || gradients.size() != size) {
            throw new IllegalArgumentException("an optimizer state for " + size + " parameters cannot step vectors of "
                    + values.size() + " values and " + gradients.size() + " gradients");
        }
        steps++;
        update(values.segment(), gradients.segment(), size);
    }

    abstract void update(MemorySegment values, MemorySegment gradients, int size);

    /** The scalar state (for GroupRMSprop the running mean {@code s}); a copy. */
    public abstract double[] scalars();

    /** The moment vectors (Adam: {@code m}, {@code v}); the live tensors. */
    public abstract Tensor[] vectors();

    /**
     * Why {@code scalars} and {@code vectors} (shaped as {@link #scalars()} and {@link #vectors()})
     * cannot be a state of this optimizer, or {@code null} if they can. Every value must be finite;
     * optimizers add their own bounds. Used to refuse a corrupt checkpoint before it is restored.
     */
    String invalidState(double[] scalars, Tensor[] vectors) {
        for (int i = 0; i < scalars.length; i++) {
            if (!Double.isFinite(scalars[i])) {
                return "scalar " + i + " is " + scalars[i];
            }
        }
        for (int v = 0; v < vectors.length; v++) {
            long at = firstNonFinite(vectors[v]);
            if (at >= 0) {
                return "vector " + v + " holds " + vectors[v].getFlat(at) + " at " + at;
            }
        }
        return null;
    }

    /** The index of the first value of {@code values} that is not finite, or -1. */
    static long firstNonFinite(Tensor values) {
        for (long i = 0; i < values.size(); i++) {
            if (!Double.isFinite(values.getFlat(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Sets the step count and the scalars (the vectors are written directly). */
    public abstract void restore(long step, double[] scalars);

    /** Copies this state into {@code target}, a state of the same optimizer and size. */
    public void copyTo(OptimizerState target) {
        if (target.getClass() != getClass() || target.size != size) {
            throw new IllegalArgumentException("cannot copy a " + optimizer + " state of " + size + " parameters into a "
                    + target.optimizer + " state of " + target.size);
        }
        Tensor[] from = vectors(), to = target.vectors();
        for (int i = 0; i < from.length; i++) {
            to[i].copyFrom(from[i]);
        }
        target.restore(steps, scalars());
    }

    @Override
    public void close() {
        for (Tensor vector : vectors()) {
            vector.close();
        }
    }

    /** Plain gradient descent: no state but the step count. */
    static final class GradientDescentState extends OptimizerState {
        private final double rate;

        GradientDescentState(Optimizer.GradientDescent settings, int size) {
            super(settings, size);
            this.rate = settings.learningRate();
        }

        @Override
        void update(MemorySegment values, MemorySegment gradients, int size) {
            for (int i = 0; i < size; i++) {
                values.setAtIndex(D, i, values.getAtIndex(D, i) - rate * gradients.getAtIndex(D, i));
            }
        }

        @Override
        public double[] scalars() {
            return new double[0];
        }

        @Override
        public Tensor[] vectors() {
            return new Tensor[0];
        }

        @Override
        public void restore(long step, double[] scalars) {
            steps = step;
        }
    }

    /** GroupRMSprop: one running mean of the total squared gradient norm. */
    static final class GroupRmsPropState extends OptimizerState {
        private final Optimizer.GroupRmsProp settings;
        private double meanSquare;

        GroupRmsPropState(Optimizer.GroupRmsProp settings, int size) {
            super(settings, size);
            this.settings = settings;
        }

        @Override
        void update(MemorySegment values, MemorySegment gradients, int size) {
            double total = 0;
            for (int i = 0; i < size; i++) {
                double g = gradients.getAtIndex(D, i);
                total += g * g;
            }
            double alpha = settings.alpha();
            meanSquare = alpha * meanSquare + (1 - alpha) * total;
            double corrected = meanSquare / (1 - Math.pow(alpha, steps));
            double rate = settings.learningRate() / (Math.sqrt(corrected) + settings.epsilon());
            for (int i = 0; i < size; i++) {
                values.setAtIndex(D, i, values.getAtIndex(D, i) - rate * gradients.getAtIndex(D, i));
            }
        }

        @Override
        public double[] scalars() {
            return new double[] {meanSquare};
        }

        @Override
        public Tensor[] vectors() {
            return new Tensor[0];
        }

        @Override
        public void restore(long step, double[] scalars) {
            steps = step;
            meanSquare = scalars[0];
        }

        @Override
        String invalidState(double[] scalars, Tensor[] vectors) {
            String invalid = super.invalidState(scalars, vectors);
            if (invalid == null && scalars[0] < 0) {
                invalid = "the running mean square is negative (" + scalars[0] + ")";
            }
            return invalid;
        }
    }

    /** Adam (Keras form): first and second moment vectors. */
    static final class AdamState extends OptimizerState {
        private final Optimizer.Adam settings;
        private final Tensor first;
        private final Tensor second;

        AdamState(Optimizer.Adam settings, int size) {
            super(settings, size);
            this.settings = settings;
            this.first = Tensor.zeros(size);
            this.second = Tensor.zeros(size);
        }

        @Override
        void update(MemorySegment values, MemorySegment gradients, int size) {
            double beta1 = settings.beta1(), beta2 = settings.beta2(), epsilon = settings.epsilon();
            double rate = settings.learningRate() * Math.sqrt(1 - Math.pow(beta2, steps)) / (1 - Math.pow(beta1, steps));
            MemorySegment m = first.segment(), v = second.segment();
            for (int i = 0; i < size; i++) {
                double g = gradients.getAtIndex(D, i);
                double mi = beta1 * m.getAtIndex(D, i) + (1 - beta1) * g;
                double vi = beta2 * v.getAtIndex(D, i) + (1 - beta2) * g * g;
                m.setAtIndex(D, i, mi);
                v.setAtIndex(D, i, vi);
                values.setAtIndex(D, i, values.getAtIndex(D, i) - rate * mi / (Math.sqrt(vi) + epsilon));
            }
        }

        @Override
        public double[] scalars() {
            return new double[0];
        }

        @Override
        public Tensor[] vectors() {
            return new Tensor[] {first, second};
        }

        @Override
        public void restore(long step, double[] scalars) {
            steps = step;
        }

        @Override
        String invalidState(double[] scalars, Tensor[] vectors) {
            String invalid = super.invalidState(scalars, vectors);
            if (invalid != null) {
                return invalid;
            }
            Tensor secondMoments = vectors[1];
            for (long i = 0; i < secondMoments.size(); i++) {
                if (secondMoments.getFlat(i) < 0) {
                    return "the second moment " + i + " is negative (" + secondMoments.getFlat(i) + ")";
                }
            }
            return null;
        }
    }
}
