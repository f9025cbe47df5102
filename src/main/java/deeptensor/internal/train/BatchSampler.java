package deeptensor.internal.train;

import deeptensor.internal.model.Batch;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Seeded mini-batches over the training entries, as Keras draws them: every epoch is a fresh
 * uniform permutation cut into {@code ⌊m/b⌋} batches of exactly {@code b} entries (the remainder is
 * dropped, like {@code steps_per_epoch = m // b}). The permutation of epoch {@code e} depends only on
 * {@code (seed, e)}, so a run resumed at any step sees the same batches.
 *
 * <p>One batch's coordinates and targets are allocated once; each step rewrites their contents in
 * place (copying already-validated coordinates), so sampling allocates nothing.
 */
final class BatchSampler implements AutoCloseable {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    private final Coordinates source;
    private final Tensor sourceValues;
    private final int size;
    private final int stepsPerEpoch;
    private final long seed;
    private final int[] permutation;
    private long permutedEpoch = -1;
    private final Coordinates at;
    private final Tensor targets;
    private final Batch batch;

    BatchSampler(Coordinates source, Tensor sourceValues, int size, long seed) {
        int m = source.count();
        if (size < 1 || size > m) {
            throw new IllegalArgumentException("a batch size of " + size + " does not fit " + m + " training entries (1.." + m + ")");
        }
        this.source = source;
        this.sourceValues = sourceValues;
        this.size = size;
        this.stepsPerEpoch = m / size;
        this.seed = seed;
        this.permutation = new int[m];
        this.at = Coordinates.of(source.shape(), new int[size * source.shape().order()]);
        this.targets = Tensor.zeros(size);
        this.batch = new Batch(at, targets);
    }

    /** Number of steps in one pass over the training entries. */
    int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** The batch of (0-based) step {@code step}, filled in place. */
    Batch batch(long step) {
        long epoch = step / stepsPerEpoch;
        int position = (int) (step % stepsPerEpoch);
        if (epoch != permutedEpoch) {
            permute(epoch);
        }
        int order = source.shape().order();
        MemorySegment from = source.segment(), to = at.segment();
        MemorySegment fromValues = sourceValues.segment(), toValues = targets.segment();
        for (int k = 0; k < size; k++) {
            int e = permutation[position * size + k];
            MemorySegment.copy(from, INT, (long) e * order * Integer.BYTES, to, INT, (long) k * order * Integer.BYTES, order);
            toValues.setAtIndex(D, k, fromValues.getAtIndex(D, e));
        }
        return batch;
    }

    private void permute(long epoch) {
        SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1)));
        for (int i = 0; i < permutation.length; i++) {
            permutation[i] = i;
        }
        for (int i = permutation.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = swap;
        }
        permutedEpoch = epoch;
    }

    @Override
    public void close() {
        batch.close();
        at.close();
        targets.close();
    }
}
