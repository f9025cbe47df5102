package deeptensor.internal.linalg;

/**
 * Householder QR with column pivoting (Businger–Golub) of a tall {@code p × q} matrix ({@code p ≥ q})
 * held column-major in a heap array: {@code B P = Q R}.
 *
 * <p>The factorization is done in place, LAPACK style: after {@link #factor}, the strict upper
 * triangle of the array holds {@code R} above its diagonal, {@link #rDiagonal} holds the diagonal, and
 * the part below the diagonal holds the Householder vectors (their leading 1 implicit). Column norms
 * for the pivot choice are downdated after each step and recomputed from scratch when cancellation
 * makes the downdate unreliable.
 *
 * <p>Column-major storage keeps every inner loop (dot product, update) on contiguous memory.
 */
final class PivotedQr {

    /** When the downdated norm has lost this much, recompute it (the square root of ε, as LAPACK). */
    private static final double RECOMPUTE = Math.sqrt(Math.ulp(1.0));

    private final double[] a;
    private final int p;
    private final int q;
    private final double[] tau;
    private final double[] rDiagonal;
    private final int[] permutation;

    private PivotedQr(double[] a, int p, int q) {
        this.a = a;
        this.p = p;
        this.q = q;
        this.tau = new double[q];
        this.rDiagonal = new double[q];
        this.permutation = new int[q];
    }

    /**
     * Factors the {@code p × q} column-major matrix in {@code a} (overwritten). Requires
     * {@code p ≥ q}; entries must be finite and small enough that squared column norms do not overflow
     * (the caller prescales).
     */
    static PivotedQr factor(double[] a, int p, int q) {
        if (p < q || (long) p * q > a.length) {
            throw new IllegalArgumentException("pivoted QR needs p ≥ q and an array of p·q values; got p = " + p
                    + ", q = " + q + ", " + a.length + " values");
        }
        PivotedQr qr = new PivotedQr(a, p, q);
        qr.run();
        return qr;
    }

    private void run() {
        double[] partial = new double[q]; // norms of the columns' parts not yet reduced
        double[] reference = new double[q]; // the norm at the last full recomputation
        for (int j = 0; j < q; j++) {
            permutation[j] = j;
            partial[j] = Math.sqrt(Blas.dot(a, j * p, a, j * p, p));
            reference[j] = partial[j];
        }
        for (int k = 0; k < q; k++) {
            int pivot = k;
            for (int j = k + 1; j < q; j++) {
                if (partial[j] > partial[pivot]) {
                    pivot = j;
                }
            }
            if (pivot != k) {
                swapColumns(k, pivot);
                swap(partial, k, pivot);
                swap(reference, k, pivot);
                int t = permutation[k];
                permutation[k] = permutation[pivot];
                permutation[pivot] = t;
            }
            makeReflector(k);
            double h = tau[k];
            int vStart = k * p + k;
            int length = p - k;
            for (int j = k + 1; j < q; j++) {
                int yStart = j * p + k;
                if (h != 0.0) {
                    applyReflector(h, vStart, yStart, length);
                }
                // Downdate the norm of column j's unreduced part (rows k+1..p-1).
                if (partial[j] != 0.0) {
                    double ratio = Math.abs(a[yStart]) / partial[j];
                    double shrink = Math.max(0.0, (1.0 - ratio) * (1.0 + ratio));
                    double drift = shrink * (partial[j] / reference[j]) * (partial[j] / reference[j]);
                    if (drift <= RECOMPUTE) {
                        partial[j] = Math.sqrt(Blas.dot(a, yStart + 1, a, yStart + 1, length - 1));
                        reference[j] = partial[j];
                    } else {
                        partial[j] *= Math.sqrt(shrink);
                    }
                }
            }
        }
    }

    /**
     * Builds the reflector {@code H = I − τ v vᵀ} with {@code H x = β e₁} for the part of column
     * {@code k} from row {@code k} down, as LAPACK's dlarfg: β gets the sign opposite to {@code x₀} so
     * that {@code x₀ − β} does not cancel; no reflection when the part below the diagonal is zero.
     */
    private void makeReflector(int k) {
        int start = k * p + k;
        double alpha = a[start];
        double tailNorm = Math.sqrt(Blas.dot(a, start + 1, a, start + 1, p - k - 1));
        if (tailNorm == 0.0) {
            tau[k] = 0.0;
            rDiagonal[k] = alpha;
            a[start] = 1.0;
            return;
        }
        double beta = -Math.copySign(Math.hypot(alpha, tailNorm), alpha);
        tau[k] = (beta - alpha) / beta;
        double scale = 1.0 / (alpha - beta);
        for (int i = start + 1; i < start + p - k; i++) {
            a[i] *= scale;
        }
        rDiagonal[k] = beta;
        a[start] = 1.0; // the implicit leading 1 of v, stored so that dot products need no special case
    }

    /** {@code y ← (I − τ v vᵀ) y} over {@code length} contiguous entries of {@code a}. */
    private void applyReflector(double h, int vStart, int yStart, int length) {
        double w = Blas.dot(a, vStart, a, yStart, length);
        Blas.axpy(-h * w, a, vStart, a, yStart, length);
    }

    private void swapColumns(int i, int j) {
        int oi = i * p;
        int oj = j * p;
        for (int r = 0; r < p; r++) {
            double t = a[oi + r];
            a[oi + r] = a[oj + r];
            a[oj + r] = t;
        }
    }

    private static void swap(double[] values, int i, int j) {
        double t = values[i];
        values[i] = values[j];
        values[j] = t;
    }

    /** {@code Rᵀ} as a {@code q × q} column-major array: column {@code j} is row {@code j} of {@code R}. */
    double[] rTransposed() {
        double[] x = new double[q * q];
        for (int j = 0; j < q; j++) {
            x[j * q + j] = rDiagonal[j];
            for (int i = j + 1; i < q; i++) {
                x[j * q + i] = a[i * p + j];
            }
        }
        return x;
    }

    /**
     * Overwrites the {@code p × cols} column-major matrix {@code z} with {@code Q z}, where
     * {@code Q = H₀ H₁ ⋯ H_{q−1}}: the reflectors are applied last first.
     */
    void applyQ(double[] z, int cols) {
        for (int k = q - 1; k >= 0; k--) {
            double h = tau[k];
            if (h == 0.0) {
                continue;
            }
            int vStart = k * p + k;
            int length = p - k;
            for (int c = 0; c < cols; c++) {
                int yStart = c * p + k;
                double w = Blas.dot(a, vStart, z, yStart, length);
                Blas.axpy(-h * w, a, vStart, z, yStart, length);
            }
        }
    }

    /** The column permutation: column {@code k} of {@code B P} is column {@code permutation()[k]} of {@code B}. */
    int[] permutation() {
        return permutation;
    }
}
