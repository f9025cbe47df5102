package deeptensor.internal.train;

import deeptensor.tensor.Observations;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * The observed entries split into a training part and a validation part (for early stopping and
 * for choosing between candidates): the one hold-out split of the library. Owns both parts: close it.
 */
public record Split(Observations train, Observations validation) implements AutoCloseable {

    private static final ValueLayout.OfInt INDEX = ValueLayout.JAVA_INT;

    /**
     * Splits the entries at random into a training part and a validation part (for early stopping
     * and model choice); the one hold-out rule of the library, used by training and by
     * {@code Completion}. The validation part has {@code round(validationFraction × observed.count())}
     * entries, at least one when the fraction is positive, chosen uniformly without replacement
     * (a partial Fisher–Yates shuffle driven by {@link SplittableRandom} with {@code seed}); at least
     * one entry must be left to train on. A fraction of 0 gives an empty validation part. Both parts
     * keep the entries' original order. The same seed gives the same split, bit for bit.
     *
     * @param observed the entries to split (read, not kept)
     * @param validationFraction share of entries held out, in [0, 1)
     * @param seed seed of the random choice
     * @return two new observations (close the result)
     * @throws IllegalArgumentException if the fraction is outside [0, 1) or the split would leave no
     *     entry to train on
     */
    public static Split of(Observations observed, double validationFraction, long seed) {
        if (!(validationFraction >= 0.0 && validationFraction < 1.0)) {
            throw new IllegalArgumentException("the validation fraction must be in [0, 1), got " + validationFraction);
        }
        int count = observed.count();
        int held = (int) Math.round(validationFraction * count);
        if (validationFraction > 0) {
            held = Math.max(1, held);
        }
        if (count - held < 1) {
            throw new IllegalArgumentException("holding out " + held + " of " + count + " observed entries leaves none to train on; "
                    + "lower the validation fraction or observe more entries");
        }
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < held; i++) { // partial Fisher-Yates: the first `held` positions are a uniform sample
            int j = random.nextInt(i, count);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        boolean[] inValidation = new boolean[count];
        for (int i = 0; i < held; i++) {
            inValidation[order[i]] = true;
        }
        Observations validation = select(observed, inValidation, true, held);
        try {
            return new Split(select(observed, inValidation, false, count - held), validation);
        } catch (RuntimeException | Error failure) {
            validation.close();
            throw failure;
        }
    }

    /** The entries whose flag equals {@code wanted}, in entry order. */
    private static Observations select(Observations observed, boolean[] flags, boolean wanted, int selected) {
        int order = observed.coordinates().shape().order();
        int[] flat = new int[selected * order];
        double[] picked = new double[selected];
        MemorySegment indexes = observed.coordinates().segment();
        int next = 0;
        for (int entry = 0; entry < flags.length; entry++) {
            if (flags[entry] == wanted) {
                MemorySegment.copy(indexes, INDEX, (long) entry * order * Integer.BYTES, flat, next * order, order);
                picked[next++] = observed.values().getFlat(entry);
            }
        }
        return Observations.of(observed.shape(), flat, picked);
    }

    @Override
    public void close() {
        try {
            train.close();
        } finally {
            validation.close();
        }
    }
}
