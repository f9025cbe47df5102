package deeptensor.internal.linalg;

import deeptensor.tensor.Tensor;

/**
 * Singular value decomposition {@code A = U S Vᵀ} of a dense matrix, with no dependency: column-pivoted
 * Householder QR followed by one-sided (Hestenes) Jacobi.
 *
 * <h2>Method</h2>
 * Let {@code B} be {@code A} when {@code A} is tall ({@code m ≥ n}) and {@code Aᵀ} when it is wide, so
 * {@code B} is {@code p × q} with {@code p ≥ q}: the SVD of one gives the SVD of the other with the
 * roles of {@code U} and {@code V} swapped. Then
 * <ol>
 *   <li>{@code Π B P = Q R}: rows sorted by decreasing norm ({@code Π}), then Householder QR with column
 *       pivoting ({@code P}; {@code R} is {@code q × q});</li>
 *   <li>one-sided Jacobi on {@code X = Rᵀ}: rotations {@code J} with {@code X J = W} whose columns are
 *       orthogonal; the singular values are the column norms of {@code W};</li>
 *   <li>{@code B = (Πᵀ Q J) Σ (P W Σ⁻¹)ᵀ}: the left vectors are {@code Q J}, the right ones the
 *       normalized columns of {@code W}, rows permuted back.</li>
 * </ol>
 * Why QR first rather than Jacobi on the columns of {@code B} directly: every Jacobi rotation costs
 * {@code O(length of a column)}, so running the sweeps on the {@code q × q} triangle instead of the
 * {@code p × q} matrix makes them {@code p/q} times cheaper (100 times for a 100 × 10 000 unfolding), and
 * the QR itself costs about as much as one sweep on {@code B}. Column pivoting orders the rows of
 * {@code R} by decreasing weight, and Jacobi on {@code Rᵀ} (not {@code R}) then needs few sweeps, as
 * Drmač &amp; Veselić ("New fast and accurate Jacobi SVD algorithm", SIAM J. Matrix Anal. Appl. 29, 2008)
 * showed; they also showed this preconditioning keeps Jacobi's relative accuracy, for which the row
 * sorting is needed too when the rows rather than the columns are badly scaled.
 *
 * <h2>Accuracy</h2>
 * Both stages apply only orthogonal transformations, so the result is backward stable: the computed
 * factors are the exact SVD of {@code A + E} with {@code ‖E‖_F} a small multiple of
 * {@code ε‖A‖_F} (ε = 2⁻⁵² ≈ 2.2·10⁻¹⁶). Hence (Weyl) every singular value is accurate to a small multiple
 * of {@code ε σ_max}; the columns of {@code U} and {@code V} are orthonormal to about
 * {@code max(4, √min(m,n))·ε} (the Jacobi stopping cosine) plus rounding in the rotations. The tests check
 * 10⁻¹² relative to {@code σ_max} for singular values, reconstruction {@code ‖A − U S Vᵀ‖_F / ‖A‖_F} and
 * orthonormality, on shapes up to 100 × 2 000; on 100 × 10 000 the measured errors are around 10⁻¹⁴.
 * Beyond that normwise guarantee, one-sided Jacobi with a stopping test relative to the column norms
 * computes small singular values to high <em>relative</em> accuracy when {@code A = B D} with {@code D}
 * diagonal and {@code B} well conditioned (Demmel &amp; Veselić, "Jacobi's method is more accurate than
 * QR", SIAM J. Matrix Anal. Appl. 13, 1992) — strongly graded columns lose nothing to the scaling — and,
 * thanks to the row sorting, likewise for {@code A = D B}; a test checks this for singular values spread
 * over 30 orders of magnitude. No such promise is made for other matrices, where small singular values
 * are accurate only to {@code ~ε σ_max}.
 *
 * <p>Range: the input is scaled by a power of two (exact) so that its largest entry is in [½, 1); values
 * whose squares underflow after that scaling are lost. Singular values below about
 * {@code 10⁻¹⁴⁰ · max|a_ij|} are therefore not resolved: they are returned as computed (possibly 0) and
 * their singular vectors are an arbitrary orthonormal completion, as for exact zeros.
 *
 * <h2>Cost</h2>
 * Time {@code O(p q²)} for the QR (and again for forming {@code Q J} in {@link #decompose}) plus
 * {@code O(q³)} per Jacobi sweep (typically 5–10 sweeps; at most {@value #MAX_SWEEPS}). Working memory is
 * on the Java heap: one {@code double[]} copy of the input ({@code 8·m·n} bytes) for
 * {@link #singularValues}, a second one of the same size for the vectors in {@link #decompose}, and
 * {@code O(q²)} more. The result tensors are off-heap. Single-threaded; the class has no state and may be
 * used from several threads at once.
 */
public final class Svd {

    /** Sweeps allowed before giving up with an {@link ArithmeticException}; convergence usually takes 5–10. */
    public static final int MAX_SWEEPS = 60;

    /** After prescaling to {@code max|a_ij| < 1}, columns with a smaller squared norm are not resolved. */
    private static final double NEGLIGIBLE2 = 0x1p-930;

    private static final double EPSILON = Math.ulp(1.0);

    private Svd() {
    }

    /**
     * The singular values of a matrix, in descending order, {@code min(m, n)} of them (none for a
     * zero-size matrix). Cheaper than {@link #decompose}: no singular vectors are formed.
     *
     * @param a an order-2 tensor with finite entries (read only; may be a view)
     * @throws IllegalArgumentException if {@code a} is not a matrix or holds NaN or an infinity
     * @throws ArithmeticException if the Jacobi sweeps do not converge (not seen in practice)
     */
    public static double[] singularValues(Tensor a) {
        return compute(a, false).s;
    }

    /**
     * The thin SVD {@code A = U S Vᵀ}: with {@code k = min(m, n)}, {@code U} is {@code m × k} and
     * {@code Vᵀ} is {@code k × n}, both with orthonormal rows/columns (also for zero singular values), and
     * {@code S} is the descending singular values. The tensors belong to the returned {@link Result}; close
     * it (try-with-resources).
     *
     * @param a an order-2 tensor with finite entries (read only; may be a view)
     * @throws IllegalArgumentException if {@code a} is not a matrix or holds NaN or an infinity
     * @throws ArithmeticException if the Jacobi sweeps do not converge (not seen in practice)
     */
    public static Result decompose(Tensor a) {
        Computation c = compute(a, true);
        Tensor u = Tensor.of(c.u, c.m, c.k);
        try {
            return new Result(u, c.s, Tensor.of(c.vt, c.k, c.n));
        } catch (RuntimeException | Error failure) {
            u.close();
            throw failure;
        }
    }

    /** The Jacobi stopping cosine for a working matrix of {@code q} columns. */
    static double tolerance(int q) {
        return Math.max(4.0, Math.sqrt(q)) * EPSILON;
    }

    /** The raw outputs, row-major heap arrays (u and vt only when vectors were asked for). */
    private record Computation(int m, int n, int k, double[] s, double[] u, double[] vt) {
    }

    private static Computation compute(Tensor a, boolean vectors) {
        if (a.order() != 2) {
            throw new IllegalArgumentException("the SVD needs a matrix (order-2 tensor), not a tensor of shape "
                    + a.shape());
        }
        int m = a.rows();
        int n = a.cols();
        double[] flat = a.toArray();
        double largest = 0;
        for (int i = 0; i < flat.length; i++) {
            double value = Math.abs(flat[i]);
            if (!(value <= Double.MAX_VALUE)) {
                throw new IllegalArgumentException("the SVD needs finite entries, but the " + a.shape()
                        + " matrix holds " + flat[i] + " at row " + i / n + ", column " + i % n);
            }
            largest = Math.max(largest, value);
        }
        boolean wide = m < n;
        int p = Math.max(m, n);
        int q = Math.min(m, n);
        if (q == 0) {
            return new Computation(m, n, 0, new double[0], new double[0], new double[0]);
        }
        // B column-major p × q: for a wide A, the columns of B = Aᵀ are the rows of A, so the
        // row-major array already is B; a tall A is transposed into column order.
        double[] b = wide ? flat : transpose(flat, m, n);
        int exponent = largest == 0 ? 0 : Math.getExponent(largest) + 1;
        if (exponent != 0) {
            for (int i = 0; i < b.length; i++) {
                b[i] = Math.scalb(b[i], -exponent);
            }
        }

        int[] rowOrder = sortRowsByNorm(b, p, q);
        PivotedQr qr = PivotedQr.factor(b, p, q);
        double[] x = qr.rTransposed();
        double[] rotations = vectors ? identity(q) : null;
        double[] norms2 = new double[q];
        OneSidedJacobi.orthogonalize(x, q, q, rotations, q, norms2, tolerance(q), NEGLIGIBLE2, MAX_SWEEPS);

        int[] order = descendingOrder(norms2);
        double[] s = new double[q];
        for (int c = 0; c < q; c++) {
            s[c] = Math.scalb(Math.sqrt(norms2[order[c]]), exponent);
        }
        if (!vectors) {
            return new Computation(m, n, q, s, null, null);
        }

        // Right vectors of B before the permutation: the columns of W normalized, completed where the
        // column is too small to normalize.
        boolean[] missing = new boolean[q];
        for (int j = 0; j < q; j++) {
            if (norms2[j] < NEGLIGIBLE2) {
                missing[j] = true;
                continue;
            }
            double inverse = 1.0 / Math.sqrt(norms2[j]);
            for (int i = 0; i < q; i++) {
                x[j * q + i] *= inverse;
            }
        }
        OrthonormalCompletion.complete(x, q, missing);
        // Left vectors of B: Q J, formed by applying the reflectors to J stacked on zeros.
        double[] left = new double[p * q];
        for (int c = 0; c < q; c++) {
            System.arraycopy(rotations, c * q, left, c * p, q);
        }
        qr.applyQ(left, q);
        unsortRows(left, p, q, rowOrder);

        int[] permutation = qr.permutation();
        double[] u = new double[m * q];
        double[] vt = new double[q * n];
        for (int c = 0; c < q; c++) {
            int from = order[c];
            if (wide) {
                // A = Bᵀ = (P W̄) Σ (Q J)ᵀ: U = P W̄ (m = q rows), Vᵀ = (Q J)ᵀ (rows of length n = p).
                for (int r = 0; r < q; r++) {
                    u[permutation[r] * q + c] = x[from * q + r];
                }
                System.arraycopy(left, from * p, vt, c * n, n);
            } else {
                // A = B = (Q J) Σ (P W̄)ᵀ: U = Q J (m = p rows), Vᵀ = (P W̄)ᵀ (rows of length n = q).
                for (int r = 0; r < p; r++) {
                    u[r * q + c] = left[from * p + r];
                }
                for (int r = 0; r < q; r++) {
                    vt[c * n + permutation[r]] = x[from * q + r];
                }
            }
        }
        return new Computation(m, n, q, s, u, vt);
    }

    /**
     * Reorders the rows of the column-major {@code p × q} matrix by decreasing norm and returns the
     * order ({@code order[r]} is the original index of row {@code r}). Householder QR is backward stable
     * row by row only when the rows are so sorted (Powell &amp; Reid 1969; Cox &amp; Higham 1998); without it a
     * row-scaled matrix {@code D B} loses the relative accuracy of its small singular values that the
     * column pivoting gives {@code B D}.
     */
    private static int[] sortRowsByNorm(double[] b, int p, int q) {
        double[] norms2 = new double[p];
        for (int j = 0; j < q; j++) {
            for (int i = 0; i < p; i++) {
                double value = b[j * p + i];
                norms2[i] += value * value;
            }
        }
        int[] order = descendingOrder(norms2);
        double[] column = new double[p];
        for (int j = 0; j < q; j++) {
            for (int r = 0; r < p; r++) {
                column[r] = b[j * p + order[r]];
            }
            System.arraycopy(column, 0, b, j * p, p);
        }
        return order;
    }

    /** Undoes {@link #sortRowsByNorm} on the rows of a column-major {@code p × q} matrix. */
    private static void unsortRows(double[] z, int p, int q, int[] order) {
        double[] column = new double[p];
        for (int j = 0; j < q; j++) {
            for (int r = 0; r < p; r++) {
                column[order[r]] = z[j * p + r];
            }
            System.arraycopy(column, 0, z, j * p, p);
        }
    }

    /** The column-major copy of a row-major {@code rows × cols} array. */
    private static double[] transpose(double[] rowMajor, int rows, int cols) {
        double[] columnMajor = new double[rowMajor.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                columnMajor[j * rows + i] = rowMajor[i * cols + j];
            }
        }
        return columnMajor;
    }

    private static double[] identity(int q) {
        double[] id = new double[q * q];
        for (int i = 0; i < q; i++) {
            id[i * q + i] = 1.0;
        }
        return id;
    }

    /** Indices of {@code values} ordered by decreasing value (ties keep their order). */
    private static int[] descendingOrder(double[] values) {
        Integer[] boxed = new Integer[values.length];
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = i;
        }
        java.util.Arrays.sort(boxed, (i, j) -> Double.compare(values[j], values[i]));
        int[] order = new int[boxed.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = boxed[i];
        }
        return order;
    }

    /**
     * A thin SVD: {@code u()} ({@code m × k}), {@code s()} ({@code k} descending values) and {@code vt()}
     * ({@code k × n}) with {@code A ≈ U diag(s) Vᵀ}. Owns its two tensors; {@link #close()} releases them.
     */
    public static final class Result implements AutoCloseable {

        private final Tensor u;
        private final double[] s;
        private final Tensor vt;

        private Result(Tensor u, double[] s, Tensor vt) {
            this.u = u;
            this.s = s;
            this.vt = vt;
        }

        /** The left singular vectors as the columns of an {@code m × k} matrix; valid until {@link #close()}. */
        public Tensor u() {
            return u;
        }

        /** A copy of the singular values, descending, {@code k = min(m, n)} of them. */
        public double[] s() {
            return s.clone();
        }

        /** The right singular vectors as the rows of a {@code k × n} matrix; valid until {@link #close()}. */
        public Tensor vt() {
            return vt;
        }

        /** Releases the two tensors; closing twice is allowed. */
        @Override
        public void close() {
            u.close();
            vt.close();
        }
    }
}
