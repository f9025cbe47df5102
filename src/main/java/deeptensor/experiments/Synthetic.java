package deeptensor.experiments;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * The synthetic targets and samples of the papers' protocols: low CP-rank and low Tucker-rank
 * tensors of a given Frobenius norm, and observed entries drawn uniformly without replacement.
 * Every draw takes its own seed, so a depth sweep can keep the target and the sample fixed.
 */
final class Synthetic {

    private Synthetic() {
    }

    /** Σ_r a_r¹ ⊗ … ⊗ a_r^N with i.i.d. N(0, 1) entries, rescaled to Frobenius norm {@code norm}. */
    static Tensor cp(Shape shape, int rank, double norm, long seed) {
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
        Tensor out = Tensor.zeros(shape);
        int[] index = new int[order];
        for (long flat = 0; flat < shape.size(); flat++) {
            shape.index(flat, index);
            double sum = 0;
            for (int r = 0; r < rank; r++) {
                double product = 1;
                for (int n = 0; n < order; n++) {
                    product *= factors[n][index[n]][r];
                }
                sum += product;
            }
            out.setFlat(flat, sum);
        }
        return rescale(out, norm);
    }

    /**
     * 𝒢 ×_1 U¹ ⋯ ×_N U^N with a core of i.i.d. N(0, 1) entries and factors with orthonormal columns
     * (Gram–Schmidt on Gaussian columns), rescaled to Frobenius norm {@code norm}.
     */
    static Tensor tucker(Shape shape, int[] ranks, double norm, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int order = shape.order();
        Shape coreShape = Shape.of(ranks);
        double[] core = new double[(int) coreShape.size()];
        for (int i = 0; i < core.length; i++) {
            core[i] = random.nextGaussian();
        }
        double[][][] factors = new double[order][][];
        for (int n = 0; n < order; n++) {
            factors[n] = orthonormalColumns(shape.dim(n), ranks[n], random);
        }
        Tensor out = Tensor.zeros(shape);
        int[] index = new int[order];
        int[] coreIndex = new int[order];
        for (long flat = 0; flat < shape.size(); flat++) {
            shape.index(flat, index);
            double sum = 0;
            for (int c = 0; c < core.length; c++) {
                coreShape.index(c, coreIndex);
                double product = core[c];
                for (int n = 0; n < order; n++) {
                    product *= factors[n][index[n]][coreIndex[n]];
                }
                sum += product;
            }
            out.setFlat(flat, sum);
        }
        return rescale(out, norm);
    }

    /** A rows × cols matrix with orthonormal columns (cols ≤ rows). */
    static double[][] orthonormalColumns(int rows, int cols, SplittableRandom random) {
        if (cols > rows) {
            throw new IllegalArgumentException(cols + " orthonormal columns cannot fit in " + rows + " rows");
        }
        double[][] q = new double[rows][cols];
        for (int j = 0; j < cols; j++) {
            double[] v = new double[rows];
            for (int i = 0; i < rows; i++) {
                v[i] = random.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) { // twice is enough for orthogonality to rounding
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < rows; i++) {
                        dot += q[i][k] * v[i];
                    }
                    for (int i = 0; i < rows; i++) {
                        v[i] -= dot * q[i][k];
                    }
                }
            }
            double length = 0;
            for (double x : v) {
                length += x * x;
            }
            length = Math.sqrt(length);
            for (int i = 0; i < rows; i++) {
                q[i][j] = v[i] / length;
            }
        }
        return q;
    }

    /** {@code count} distinct flat offsets of {@code shape}, uniform without replacement (a partial Fisher–Yates shuffle). */
    static long[] sample(Shape shape, int count, long seed) {
        if (shape.size() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("sampling is for tensors of under 2^31 entries, not " + shape);
        }
        int size = (int) shape.size();
        if (count < 0 || count > size) {
            throw new IllegalArgumentException("cannot draw " + count + " distinct entries of a " + shape + " tensor");
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] pool = new int[size];
        for (int i = 0; i < size; i++) {
            pool[i] = i;
        }
        long[] out = new long[count];
        for (int e = 0; e < count; e++) {
            int pick = random.nextInt(e, size);
            int chosen = pool[pick];
            pool[pick] = pool[e];
            pool[e] = chosen;
            out[e] = chosen;
        }
        return out;
    }

    /** The entries of {@code truth} at {@code offsets}, as observations. */
    static Observations observe(Tensor truth, long[] offsets) {
        try (Coordinates at = Coordinates.ofOffsets(truth.shape(), offsets); Tensor values = Tensor.zeros(offsets.length)) {
            for (int e = 0; e < offsets.length; e++) {
                values.setFlat(e, truth.getFlat(offsets[e]));
            }
            return Observations.of(at, values);
        }
    }

    /** The Frobenius norm of a tensor. */
    static double norm(Tensor t) {
        double sum = 0;
        for (long i = 0; i < t.size(); i++) {
            sum += t.getFlat(i) * t.getFlat(i);
        }
        return Math.sqrt(sum);
    }

    private static Tensor rescale(Tensor t, double norm) {
        double factor = norm / norm(t);
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, t.getFlat(i) * factor);
        }
        return t;
    }
}
