package deeptensor.internal.model;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;

/**
 * A set of observed entries a loss is taken over (all training entries, one mini-batch, or the
 * validation entries), with the per-entry buffers a model needs to evaluate it: predictions and the
 * loss derivative at each entry. The buffers are allocated once here and reused every step.
 *
 * <p>The coordinates and targets are not owned: whoever made them closes them, after the batch.
 * The contents of a batch's coordinates may be rewritten between steps (a mini-batch sampler does);
 * the count never changes.
 */
public final class Batch implements AutoCloseable {

    private final Coordinates at;
    private final Tensor targets;
    private final Tensor predictions;
    private final Tensor residual;

    /** A batch over {@code at} with one target value per coordinate. */
    public Batch(Coordinates at, Tensor targets) {
        if (targets.order() != 1 || targets.dim(0) != at.count()) {
            throw new IllegalArgumentException("a batch of " + at.count() + " coordinates needs a vector of " + at.count()
                    + " target values, got shape " + targets.shape());
        }
        if (at.count() == 0) {
            throw new IllegalArgumentException("a batch needs at least one observed entry (coordinates into " + at.shape() + ")");
        }
        this.at = at;
        this.targets = targets;
        this.predictions = Tensor.zeros(at.count());
        this.residual = Tensor.zeros(at.count());
    }

    /** The observed positions. */
    public Coordinates coordinates() {
        return at;
    }

    /** The observed values, one per coordinate. */
    public Tensor targets() {
        return targets;
    }

    /** The model's values at the coordinates, as of the last evaluation. */
    public Tensor predictions() {
        return predictions;
    }

    /** {@code dℓ/dW} at each coordinate, as of the last gradient computation: {@code (2/m)(W − Y)}. */
    public Tensor residual() {
        return residual;
    }

    /** Number of entries {@code m}. */
    public int size() {
        return at.count();
    }

    /** Releases the prediction and residual buffers (not the coordinates or targets). */
    @Override
    public void close() {
        predictions.close();
        residual.close();
    }
}
