package deeptensor;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * A seeded partition of the observed entries into K folds of sizes differing by at most one, for
 * K-fold cross-validation: fold f holds out the entries assigned to f and trains on the rest.
 */
final class Folds {

    private final int[] assignment;
    private final int count;

    private Folds(int[] assignment, int count) {
        this.assignment = assignment;
        this.count = count;
    }

    /** Entry e goes to fold {@code π(e) mod k} for a seeded uniform permutation π. */
    static Folds of(int entries, int k, long seed) {
        if (k < 2 || entries < k) {
            throw new IllegalArgumentException(k + " folds need at least " + k + " entries, got " + entries);
        }
        int[] order = new int[entries];
        for (int i = 0; i < entries; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = entries - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        int[] assignment = new int[entries];
        for (int i = 0; i < entries; i++) {
            assignment[order[i]] = i % k;
        }
        return new Folds(assignment, k);
    }

    int count() {
        return count;
    }

    /** The training and held-out parts of fold {@code f}, in input order; close them. */
    Fold fold(Coordinates at, Tensor values, int f) {
        int held = 0;
        for (int a : assignment) {
            if (a == f) {
                held++;
            }
        }
        int order = at.shape().order(), train = assignment.length - held;
        int[] trainIndex = new int[train * order], heldIndex = new int[held * order];
        double[] trainValues = new double[train], heldValues = new double[held];
        for (int e = 0, t = 0, h = 0; e < assignment.length; e++) {
            boolean isHeld = assignment[e] == f;
            int[] target = isHeld ? heldIndex : trainIndex;
            int row = isHeld ? h : t;
            for (int n = 0; n < order; n++) {
                target[row * order + n] = at.index(e, n);
            }
            if (isHeld) {
                heldValues[h++] = values.getFlat(e);
            } else {
                trainValues[t++] = values.getFlat(e);
            }
        }
        return new Fold(Coordinates.of(at.shape(), trainIndex), Tensor.of(trainValues, train),
                Coordinates.of(at.shape(), heldIndex), Tensor.of(heldValues, held));
    }

    /** One fold's parts. */
    record Fold(Coordinates trainAt, Tensor trainY, Coordinates validAt, Tensor validY) implements AutoCloseable {
        @Override
        public void close() {
            trainAt.close();
            trainY.close();
            validAt.close();
            validY.close();
        }
    }
}
