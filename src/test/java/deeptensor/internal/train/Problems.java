package deeptensor.internal.train;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.SplittableRandom;

/** Small completion problems with a known low-rank answer, for the training tests. */
final class Problems {

    private Problems() {
    }

    /**
     * A rank-{@code rank} CP tensor of {@code shape} (Gaussian factors, scaled to RMS entry 1) and
     * {@code m} of its entries observed uniformly without replacement. Closing closes everything.
     */
    record Observed(Tensor truth, Coordinates at, Tensor values) implements AutoCloseable {
        @Override
        public void close() {
            truth.close();
            at.close();
            values.close();
        }
    }

    static Observed lowRankCp(Shape shape, int rank, int m, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int order = shape.order();
        double[][][] factors = new double[order][][];
        for (int n = 0; n < order; n++) {
            factors[n] = new double[shape.dim(n)][rank];
            for (double[] row : factors[n]) {
                for (int r = 0; r < rank; r++) {
                    row[r] = random.nextGaussian();
                }
            }
        }
        Tensor truth = Tensor.zeros(shape);
        int[] index = new int[order];
        double sumSquares = 0;
        for (long offset = 0; offset < shape.size(); offset++) {
            shape.index(offset, index);
            double value = 0;
            for (int r = 0; r < rank; r++) {
                double product = 1;
                for (int n = 0; n < order; n++) {
                    product *= factors[n][index[n]][r];
                }
                value += product;
            }
            truth.setFlat(offset, value);
            sumSquares += value * value;
        }
        double scale = 1 / Math.sqrt(sumSquares / shape.size());
        for (long offset = 0; offset < shape.size(); offset++) {
            truth.setFlat(offset, truth.getFlat(offset) * scale);
        }
        long[] offsets = new long[m];
        long[] pool = new long[(int) shape.size()];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = i;
        }
        for (int e = 0; e < m; e++) {
            int pick = random.nextInt(e, pool.length);
            long chosen = pool[pick];
            pool[pick] = pool[e];
            pool[e] = chosen;
            offsets[e] = chosen;
        }
        Coordinates at = Coordinates.ofOffsets(shape, offsets);
        Tensor values = Tensor.zeros(m);
        for (int e = 0; e < m; e++) {
            values.setFlat(e, truth.getFlat(offsets[e]));
        }
        return new Observed(truth, at, values);
    }
}
