package deeptensor.experiments;

import deeptensor.kernel.TensorOps;
import deeptensor.internal.linalg.Svd;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The synthetic data of the AISTATS 2024 deep Tucker code (Hariz et al.), as we reconstruct its
 * intended procedure: a standard normal tensor divided by its largest magnitude; every mode-m slice
 * divided by its Frobenius norm, modes 0, 1, 2 in turn; its Tucker approximation of multilinear rank
 * {@code rank} (HOOI from the truncated HOSVD); a mask from uniform numbers with the largest
 * {@code heldOut} share missing. Closing releases everything.
 */
final class AistatsData implements AutoCloseable {

    final Tensor truth;
    final Coordinates train;
    final Tensor trainValues;
    final Coordinates test;
    final Tensor testValues;

    private AistatsData(Tensor truth, Coordinates train, Tensor trainValues, Coordinates test, Tensor testValues) {
        this.truth = truth;
        this.train = train;
        this.trainValues = trainValues;
        this.test = test;
        this.testValues = testValues;
    }

    static AistatsData generate(int size, int rank, double heldOut, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Shape shape = Shape.of(size, size, size);
        Tensor truth = Tensor.zeros(shape);
        try (Tensor a = Tensor.zeros(shape)) {
            double max = 0;
            for (long i = 0; i < a.size(); i++) {
                double v = random.nextGaussian();
                a.setFlat(i, v);
                max = Math.max(max, Math.abs(v));
            }
            for (long i = 0; i < a.size(); i++) {
                a.setFlat(i, a.getFlat(i) / max);
            }
            for (int mode = 0; mode < 3; mode++) {
                normalizeSlices(a, mode);
            }
            hooi(a, rank, truth);
        }
        double[] draws = new double[(int) shape.size()];
        for (int i = 0; i < draws.length; i++) {
            draws[i] = random.nextDouble();
        }
        double[] sorted = draws.clone();
        Arrays.sort(sorted);
        double cut = sorted[(int) Math.round((1 - heldOut) * draws.length)];
        int testCount = 0;
        for (double d : draws) {
            testCount += d >= cut ? 1 : 0;
        }
        long[] trainOffsets = new long[draws.length - testCount], testOffsets = new long[testCount];
        for (int i = 0, tr = 0, te = 0; i < draws.length; i++) {
            if (draws[i] >= cut) {
                testOffsets[te++] = i;
            } else {
                trainOffsets[tr++] = i;
            }
        }
        Coordinates train = Coordinates.ofOffsets(shape, trainOffsets);
        Coordinates test = Coordinates.ofOffsets(shape, testOffsets);
        return new AistatsData(truth, train, gather(truth, trainOffsets), test, gather(truth, testOffsets));
    }

    private static Tensor gather(Tensor truth, long[] offsets) {
        Tensor values = Tensor.zeros(offsets.length);
        for (int e = 0; e < offsets.length; e++) {
            values.setFlat(e, truth.getFlat(offsets[e]));
        }
        return values;
    }

    private static void normalizeSlices(Tensor a, int mode) {
        Shape shape = a.shape();
        long right = shape.sizeOf(mode + 1, 3);
        int dim = shape.dim(mode);
        double[] norms = new double[dim];
        for (long i = 0; i < a.size(); i++) {
            norms[(int) ((i / right) % dim)] += a.getFlat(i) * a.getFlat(i);
        }
        for (long i = 0; i < a.size(); i++) {
            a.setFlat(i, a.getFlat(i) / Math.sqrt(norms[(int) ((i / right) % dim)]));
        }
    }

    /** HOOI: leading left singular vectors of each unfolding, refined 10 times; out = a projected. */
    private static void hooi(Tensor a, int rank, Tensor out) {
        Shape shape = a.shape();
        Tensor[] factors = new Tensor[3];
        try {
            for (int n = 0; n < 3; n++) {
                factors[n] = leading(a, n, rank);
            }
            for (int sweep = 0; sweep < 10; sweep++) {
                for (int n = 0; n < 3; n++) {
                    Tensor[] projections = new Tensor[3];
                    try {
                        for (int m = 0; m < 3; m++) {
                            projections[m] = m == n ? null : transpose(factors[m]);
                        }
                        Shape reduced = shape;
                        for (int m = 0; m < 3; m++) {
                            if (m != n) {
                                reduced = reduced.withDim(m, rank);
                            }
                        }
                        try (Tensor partial = Tensor.zeros(reduced);
                             Tensor work = Tensor.zeros((int) TensorOps.multiModeWorkspace(shape, projections))) {
                            TensorOps.multiModeProduct(a, projections, partial, work);
                            factors[n].close();
                            factors[n] = leading(partial, n, rank);
                        }
                    } finally {
                        for (Tensor p : projections) {
                            if (p != null) {
                                p.close();
                            }
                        }
                    }
                }
            }
            // out = a ×_n (U_n U_nᵀ) for every n.
            Tensor[] projectors = new Tensor[3];
            try {
                for (int n = 0; n < 3; n++) {
                    projectors[n] = Tensor.zeros(shape.dim(n), shape.dim(n));
                    TensorOps.gemm(1.0, factors[n], false, factors[n], true, 0.0, projectors[n]);
                }
                try (Tensor work = Tensor.zeros((int) TensorOps.multiModeWorkspace(shape, projectors))) {
                    TensorOps.multiModeProduct(a, projectors, out, work);
                }
            } finally {
                for (Tensor p : projectors) {
                    if (p != null) {
                        p.close();
                    }
                }
            }
        } finally {
            for (Tensor f : factors) {
                if (f != null) {
                    f.close();
                }
            }
        }
    }

    private static Tensor leading(Tensor x, int mode, int rank) {
        try (Tensor unfolded = Tensor.zeros(TensorOps.unfoldedShape(x.shape(), mode)); Svd.Result svd = decompose(x, mode, unfolded)) {
            Tensor u = Tensor.zeros(x.dim(mode), rank);
            for (int i = 0; i < x.dim(mode); i++) {
                for (int j = 0; j < rank; j++) {
                    u.set(svd.u().get(i, j), i, j);
                }
            }
            return u;
        }
    }

    private static Svd.Result decompose(Tensor x, int mode, Tensor unfolded) {
        TensorOps.unfold(x, mode, unfolded);
        return Svd.decompose(unfolded);
    }

    private static Tensor transpose(Tensor m) {
        Tensor t = Tensor.zeros(m.cols(), m.rows());
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                t.set(m.get(i, j), j, i);
            }
        }
        return t;
    }

    @Override
    public void close() {
        truth.close();
        train.close();
        trainValues.close();
        test.close();
        testValues.close();
    }
}
