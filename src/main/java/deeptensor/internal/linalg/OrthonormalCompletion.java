package deeptensor.internal.linalg;

/**
 * Fills the missing columns of a square matrix whose other columns are orthonormal, so that all its
 * columns are orthonormal.
 *
 * <p>The SVD needs this for singular vectors of zero (or unresolvably tiny) singular values: one-sided
 * Jacobi gets them by normalizing a column that is zero, which is impossible. Any orthonormal
 * completion is a valid choice, since those vectors are multiplied by zero in {@code U S Vᵀ}.
 *
 * <p>Each missing column starts as the unit vector {@code e_t} with the least weight in the columns
 * already present (the row {@code t} with the smallest {@code Σ_c u_tc²}), which has the largest
 * component outside their span: at least {@code 1/n} in squared norm. It is orthogonalized against
 * the present columns twice (classical Gram–Schmidt run twice is orthogonal to working precision),
 * normalized, and joins them. Cost {@code O(n²)} per missing column.
 */
final class OrthonormalCompletion {

    private OrthonormalCompletion() {
    }

    /**
     * Replaces the columns {@code j} with {@code missing[j]} of the {@code n × n} column-major
     * {@code u}; the other columns must be orthonormal.
     */
    static void complete(double[] u, int n, boolean[] missing) {
        double[] rowWeight = new double[n];
        int[] present = new int[n];
        int count = 0;
        for (int c = 0; c < n; c++) {
            if (!missing[c]) {
                present[count++] = c;
                addWeight(u, n, c, rowWeight);
            }
        }
        double[] candidate = new double[n];
        for (int c = 0; c < n; c++) {
            if (!missing[c]) {
                continue;
            }
            int lightest = 0;
            for (int t = 1; t < n; t++) {
                if (rowWeight[t] < rowWeight[lightest]) {
                    lightest = t;
                }
            }
            java.util.Arrays.fill(candidate, 0.0);
            candidate[lightest] = 1.0;
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < count; k++) {
                    int other = present[k] * n;
                    double projection = Blas.dot(u, other, candidate, 0, n);
                    Blas.axpy(-projection, u, other, candidate, 0, n);
                }
            }
            double norm = Math.sqrt(Blas.dot(candidate, 0, candidate, 0, n));
            for (int r = 0; r < n; r++) {
                u[c * n + r] = candidate[r] / norm;
            }
            present[count++] = c;
            addWeight(u, n, c, rowWeight);
        }
    }

    private static void addWeight(double[] u, int n, int column, double[] rowWeight) {
        for (int r = 0; r < n; r++) {
            double value = u[column * n + r];
            rowWeight[r] += value * value;
        }
    }
}
