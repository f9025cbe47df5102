package deeptensor.train;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Observed entries divided into a training part and a held-out validation part, by a seeded
 * uniform draw without replacement. Owns both parts' coordinates and values: close it.
 *
 * <p>The validation part is used for early stopping and for choosing defaults; it is never fitted.
 */
public final class Split implements AutoCloseable {

    private final Coordinates trainAt;
    private final Tensor trainValues;
    private final Coordinates validationAt;
    private final Tensor validationValues;

    private Split(Coordinates trainAt, Tensor trainValues, Coordinates validationAt, Tensor validationValues) {
        this.trainAt = trainAt;
        this.trainValues = trainValues;
        this.validationAt = validationAt;
        this.validationValues = validationValues;
    }

    /**
     * Holds out {@code round(fraction · m)} of the {@code m} observed entries (at least one on each
     * side when {@code fraction > 0}) chosen uniformly with {@code seed}. A fraction of 0 keeps every
     * entry for training and has no validation part. The order within each part follows the input.
     */
    public static Split holdOut(Coordinates at, Tensor values, double fraction, long seed) {
        int m = at.count();
        if (values.order() != 1 || values.dim(0) != m) {
            throw new IllegalArgumentException(m + " coordinates need a vector of " + m + " values, got shape " + values.shape());
        }
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("the validation fraction must be in [0, 1), got " + fraction);
        }
        int held = (int) Math.round(fraction * m);
        if (fraction > 0) {
            held = Math.max(1, held);
        }
        if (m - held < 1) {
            throw new IllegalArgumentException("holding out " + held + " of " + m + " observed entries leaves none to train on; "
                    + "lower the validation fraction or observe more entries");
        }
        boolean[] isHeld = new boolean[m];
        int[] order = new int[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < held; i++) {
            int pick = random.nextInt(i, m);
            int swap = order[i];
            order[i] = order[pick];
            order[pick] = swap;
            isHeld[order[i]] = true;
        }
        Coordinates trainAt = select(at, isHeld, false, m - held);
        Tensor trainValues = selectValues(values, isHeld, false, m - held);
        Coordinates validationAt = held == 0 ? null : select(at, isHeld, true, held);
        Tensor validationValues = held == 0 ? null : selectValues(values, isHeld, true, held);
        return new Split(trainAt, trainValues, validationAt, validationValues);
    }

    private static Coordinates select(Coordinates at, boolean[] isHeld, boolean wanted, int count) {
        int order = at.order();
        int[] flat = new int[count * order];
        MemorySegment indexes = at.segment();
        for (int e = 0, k = 0; e < isHeld.length; e++) {
            if (isHeld[e] == wanted) {
                for (int n = 0; n < order; n++) {
                    flat[k * order + n] = indexes.getAtIndex(ValueLayout.JAVA_INT, (long) e * order + n);
                }
                k++;
            }
        }
        return Coordinates.of(at.shape(), flat);
    }

    private static Tensor selectValues(Tensor values, boolean[] isHeld, boolean wanted, int count) {
        double[] out = new double[count];
        for (int e = 0, k = 0; e < isHeld.length; e++) {
            if (isHeld[e] == wanted) {
                out[k++] = values.getFlat(e);
            }
        }
        return Tensor.of(out, count);
    }

    /** The shape the coordinates index into. */
    public Shape shape() {
        return trainAt.shape();
    }

    /** The training coordinates. */
    public Coordinates trainCoordinates() {
        return trainAt;
    }

    /** The training values. */
    public Tensor trainValues() {
        return trainValues;
    }

    /** Whether there is a validation part. */
    public boolean hasValidation() {
        return validationAt != null;
    }

    /** The validation coordinates, or null without a validation part. */
    public Coordinates validationCoordinates() {
        return validationAt;
    }

    /** The validation values, or null without a validation part. */
    public Tensor validationValues() {
        return validationValues;
    }

    @Override
    public void close() {
        trainAt.close();
        trainValues.close();
        if (validationAt != null) {
            validationAt.close();
            validationValues.close();
        }
    }
}
