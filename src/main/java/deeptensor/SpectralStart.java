package deeptensor;

import deeptensor.internal.model.Batch;
import deeptensor.internal.model.Model;
import deeptensor.internal.model.TuckerModel;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A start for a Tucker model near the data: the truncated higher-order SVD of the observed entries,
 * computed from them alone. Each factor {@code Uₙ} holds the leading eigenvectors of an unbiased
 * estimate of {@code X_(n) X_(n)ᵀ} from the entries observed (a share p of the tensor): the products of
 * two entries of the same mode-n fibre, minus {@code (1 − p)} times the squares on the diagonal, which
 * a zero-filled, 1/p-rescaled unfolding overstates. The core is the projection of the observed values
 * onto the factors, scaled by least squares on them, and core and factors are then rescaled to equal
 * norms (the balance a ridge penalty prefers).
 *
 * <p>Why: a random start of a Tucker model whose ranks are small beside its dimensions spans a
 * subspace that holds a share of about {@code Π Rₙ/dₙ} of the data; on a large tensor that is nearly
 * nothing, and the first L-BFGS steps shrink the model toward the product's stationary point at zero,
 * where it stays. From here the fit starts next to the data's leading subspaces (Keshavan, Montanari
 * and Oh's spectral start for matrix completion, carried to each unfolding).
 *
 * <p>The tensor is never formed: a mode-n Gram product costs {@code 4·m·k} flops for k vectors, by
 * grouping the observed entries by fibre. Modes of length at most {@link #DIRECT} are decomposed
 * exactly; longer ones by subspace iteration.
 */
final class SpectralStart {

    /** Modes at most this long get their whole Gram matrix and an exact eigendecomposition. */
    static final int DIRECT = 256;
    private static final int OVERSAMPLING = 10, POWER_STEPS = 12;

    private SpectralStart() {
    }

    /**
     * Sets {@code model} (a shallow Tucker model) to the spectral start from the observed entries
     * {@code at}, {@code y}; when {@code share < 1} the factors come from a seeded random share of the
     * entries only (a different start per seed, for fits averaged together).
     */
    static void apply(TuckerModel model, Coordinates at, Tensor y, double share, long seed) {
        Shape shape = model.shape();
        int order = shape.order(), m = at.count();
        SplittableRandom random = new SplittableRandom(seed);
        int[][] index = new int[order][];
        double[] values;
        {
            boolean[] keep = new boolean[m];
            int kept = 0;
            for (int e = 0; e < m; e++) {
                keep[e] = share >= 1 || random.nextDouble() < share;
                kept += keep[e] ? 1 : 0;
            }
            values = new double[kept];
            for (int n = 0; n < order; n++) {
                index[n] = new int[kept];
            }
            for (int e = 0, k = 0; e < m; e++) {
                if (keep[e]) {
                    values[k] = y.getFlat(e);
                    for (int n = 0; n < order; n++) {
                        index[n][k] = at.index(e, n);
                    }
                    k++;
                }
            }
        }
        double p = Math.min(1, values.length / (double) shape.size());
        int[] ranks = new int[order];
        for (int n = 0; n < order; n++) {
            ranks[n] = model.coreShape().dim(n);
            double[] u = leadingEigenvectors(shape, index, values, n, ranks[n], p, random);
            Tensor factor = model.factors().get(n).matrix();
            for (int i = 0; i < shape.dim(n); i++) {
                for (int r = 0; r < ranks[n]; r++) {
                    factor.setFlat((long) i * ranks[n] + r, u[i * ranks[n] + r]);
                }
            }
        }
        // The core: the projection of the observed values onto the factors, which is minus the core
        // gradient at a zero core (up to a constant), then the least-squares multiple of it.
        Tensor core = model.core();
        for (long i = 0; i < core.size(); i++) {
            core.setFlat(i, 0);
        }
        try (Batch batch = new Batch(at, y)) {
            model.lossAndGradient(batch);
        }
        Tensor gradient = model.parameters().gradient(model.coreBlock());
        for (long i = 0; i < core.size(); i++) {
            core.setFlat(i, -gradient.getFlat(i));
        }
        double fitted = 0, norm = 0;
        try (Tensor predictions = Tensor.zeros(m)) {
            model.evaluate(at, predictions);
            for (int e = 0; e < m; e++) {
                fitted += predictions.getFlat(e) * y.getFlat(e);
                norm += predictions.getFlat(e) * predictions.getFlat(e);
            }
        }
        double alpha = norm > 0 ? fitted / norm : 0;
        double coreNorm = 0;
        for (long i = 0; i < core.size(); i++) {
            core.setFlat(i, core.getFlat(i) * alpha);
            coreNorm += core.getFlat(i) * core.getFlat(i);
        }
        balance(model, ranks, coreNorm);
    }

    /**
     * Rescales the orthonormal factors by cₙ and the core by 1/Π cₙ so that every block has the same
     * squared norm t: {@code cₙ² Rₙ = t} and {@code ‖G‖² / Π cₙ² = t}.
     */
    private static void balance(Model model, int[] ranks, double coreNorm) {
        if (!(coreNorm > 0)) {
            return;
        }
        int order = ranks.length;
        double logT = Math.log(coreNorm);
        for (int r : ranks) {
            logT += Math.log(r);
        }
        logT /= order + 1;
        double logProduct = 0;
        for (int n = 0; n < order; n++) {
            double logC = 0.5 * (logT - Math.log(ranks[n]));
            logProduct += logC;
            Tensor factor = model.factors().get(n).matrix();
            double c = Math.exp(logC);
            for (long i = 0; i < factor.size(); i++) {
                factor.setFlat(i, factor.getFlat(i) * c);
            }
        }
        Tensor core = ((TuckerModel) model).core();
        double shrink = Math.exp(-logProduct);
        for (long i = 0; i < core.size(); i++) {
            core.setFlat(i, core.getFlat(i) * shrink);
        }
    }

    /**
     * The {@code rank} leading eigenvectors (d × rank, row-major) of the estimate of
     * {@code X_(n) X_(n)ᵀ}; the first {@code rank} unit vectors when the rank is the whole mode.
     */
    static double[] leadingEigenvectors(Shape shape, int[][] index, double[] values, int mode, int rank, double p,
                                        SplittableRandom random) {
        int d = shape.dim(mode);
        if (rank >= d) {
            double[] identity = new double[d * rank];
            for (int i = 0; i < d; i++) {
                identity[i * rank + i] = 1;
            }
            return identity;
        }
        int[] fibreOrder = byFibre(shape, index, mode);
        int k;
        double[] q;
        if (d <= DIRECT) {
            k = d;
            q = new double[d * d];
            for (int i = 0; i < d; i++) {
                q[i * d + i] = 1;
            }
        } else {
            k = Math.min(d, rank + OVERSAMPLING);
            q = new double[d * k];
            for (int i = 0; i < q.length; i++) {
                q[i] = random.nextGaussian();
            }
            orthonormalize(q, d, k);
            for (int step = 0; step < POWER_STEPS; step++) {
                q = gramProduct(index, values, fibreOrder, mode, d, q, k, p);
                orthonormalize(q, d, k);
            }
        }
        // Rayleigh–Ritz: the eigenvectors of Qᵀ M Q, mapped back by Q.
        double[] mq = gramProduct(index, values, fibreOrder, mode, d, q, k, p);
        double[] small = new double[k * k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double sum = 0;
                for (int i = 0; i < d; i++) {
                    sum += q[i * k + a] * mq[i * k + b];
                }
                small[a * k + b] = sum;
            }
        }
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                double mean = 0.5 * (small[a * k + b] + small[b * k + a]);
                small[a * k + b] = mean;
                small[b * k + a] = mean;
            }
        }
        double[] vectors = new double[k * k];
        double[] eigenvalues = jacobi(small, vectors, k);
        Integer[] sorted = new Integer[k];
        for (int i = 0; i < k; i++) {
            sorted[i] = i;
        }
        Arrays.sort(sorted, (a, b) -> Double.compare(eigenvalues[b], eigenvalues[a]));
        double[] u = new double[d * rank];
        for (int i = 0; i < d; i++) {
            for (int r = 0; r < rank; r++) {
                int column = sorted[r];
                double sum = 0;
                for (int a = 0; a < k; a++) {
                    sum += q[i * k + a] * vectors[a * k + column];
                }
                u[i * rank + r] = sum;
            }
        }
        return u;
    }

    /** The observed entries ordered so that each mode-{@code mode} fibre's entries are adjacent. */
    private static int[] byFibre(Shape shape, int[][] index, int mode) {
        int m = index[0].length;
        long[] keys = new long[m];
        for (int e = 0; e < m; e++) {
            long key = 0;
            for (int n = 0; n < index.length; n++) {
                if (n != mode) {
                    key = key * shape.dim(n) + index[n][e];
                }
            }
            keys[e] = key;
        }
        long fibres = shape.size() / shape.dim(mode);
        int entryBits = 64 - Long.numberOfLeadingZeros(Math.max(1, m));
        int[] order = new int[m];
        if (fibres <= (Long.MAX_VALUE >>> entryBits)) {
            long[] packed = new long[m];
            for (int e = 0; e < m; e++) {
                packed[e] = (keys[e] << entryBits) | e;
            }
            Arrays.sort(packed);
            long mask = (1L << entryBits) - 1;
            for (int e = 0; e < m; e++) {
                order[e] = (int) (packed[e] & mask);
            }
        } else {
            Integer[] boxed = new Integer[m];
            for (int e = 0; e < m; e++) {
                boxed[e] = e;
            }
            Arrays.sort(boxed, (a, b) -> Long.compare(keys[a], keys[b]));
            for (int e = 0; e < m; e++) {
                order[e] = boxed[e];
            }
        }
        // Mark fibre boundaries by negating the first entry of each fibre (entry e stored as −e − 1).
        long previous = 0;
        for (int t = 0; t < m; t++) {
            long key = keys[order[t]];
            if (t == 0 || key != previous) {
                order[t] = -order[t] - 1;
            }
            previous = key;
        }
        return order;
    }

    /**
     * {@code M·Q} for the d × k matrix Q (row-major), M the estimate {@code S − (1 − p)·diag(S)} of
     * {@code p²·X_(n) X_(n)ᵀ}, S the Gram matrix of the zero-filled unfolding.
     */
    private static double[] gramProduct(int[][] index, double[] values, int[] fibreOrder, int mode, int d, double[] q, int k,
                                        double p) {
        double[] out = new double[d * k];
        double[] v = new double[k];
        int m = fibreOrder.length;
        int[] rows = index[mode];
        int start = 0;
        while (start < m) {
            int end = start + 1;
            while (end < m && fibreOrder[end] >= 0) {
                end++;
            }
            Arrays.fill(v, 0);
            for (int t = start; t < end; t++) {
                int e = entry(fibreOrder[t]);
                double value = values[e];
                int row = rows[e] * k;
                for (int c = 0; c < k; c++) {
                    v[c] += value * q[row + c];
                }
            }
            for (int t = start; t < end; t++) {
                int e = entry(fibreOrder[t]);
                double value = values[e];
                double diagonal = (1 - p) * value * value;
                int row = rows[e] * k;
                for (int c = 0; c < k; c++) {
                    out[row + c] += value * v[c] - diagonal * q[row + c];
                }
            }
            start = end;
        }
        return out;
    }

    private static int entry(int stored) {
        return stored < 0 ? -stored - 1 : stored;
    }

    /** Orthonormalizes the k columns of the d × k row-major matrix in place (Gram–Schmidt, twice); a dependent column becomes 0. */
    private static void orthonormalize(double[] a, int d, int k) {
        for (int c = 0; c < k; c++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int b = 0; b < c; b++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += a[i * k + b] * a[i * k + c];
                    }
                    for (int i = 0; i < d; i++) {
                        a[i * k + c] -= dot * a[i * k + b];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < d; i++) {
                norm += a[i * k + c] * a[i * k + c];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < d; i++) {
                a[i * k + c] = norm > 0 ? a[i * k + c] / norm : 0;
            }
        }
    }

    /**
     * The eigenvalues of the symmetric k × k matrix {@code a} (destroyed) by cyclic Jacobi rotations;
     * {@code vectors} receives the eigenvectors as columns.
     */
    static double[] jacobi(double[] a, double[] vectors, int k) {
        Arrays.fill(vectors, 0);
        for (int i = 0; i < k; i++) {
            vectors[i * k + i] = 1;
        }
        for (int sweep = 0; sweep < 50; sweep++) {
            double off = 0, total = 0;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    total += a[i * k + j] * a[i * k + j];
                    if (i != j) {
                        off += a[i * k + j] * a[i * k + j];
                    }
                }
            }
            if (off <= 1e-30 * total) {
                break;
            }
            for (int p = 0; p < k; p++) {
                for (int q = p + 1; q < k; q++) {
                    double apq = a[p * k + q];
                    if (Math.abs(apq) <= 1e-300) {
                        continue;
                    }
                    double theta = (a[q * k + q] - a[p * k + p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int r = 0; r < k; r++) {
                        double arp = a[r * k + p], arq = a[r * k + q];
                        a[r * k + p] = c * arp - s * arq;
                        a[r * k + q] = s * arp + c * arq;
                    }
                    for (int r = 0; r < k; r++) {
                        double apr = a[p * k + r], aqr = a[q * k + r];
                        a[p * k + r] = c * apr - s * aqr;
                        a[q * k + r] = s * apr + c * aqr;
                    }
                    for (int r = 0; r < k; r++) {
                        double vrp = vectors[r * k + p], vrq = vectors[r * k + q];
                        vectors[r * k + p] = c * vrp - s * vrq;
                        vectors[r * k + q] = s * vrp + c * vrq;
                    }
                }
            }
        }
        double[] eigenvalues = new double[k];
        for (int i = 0; i < k; i++) {
            eigenvalues[i] = a[i * k + i];
        }
        return eigenvalues;
    }
}
