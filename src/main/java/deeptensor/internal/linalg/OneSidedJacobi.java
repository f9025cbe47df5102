package deeptensor.internal.linalg;

/**
 * One-sided (Hestenes) Jacobi: rotates pairs of columns of a matrix until every pair is numerically
 * orthogonal. The final column norms are the singular values; the normalized columns are the left
 * singular vectors; the product of the rotations is the right singular vectors.
 *
 * <h2>Rotation</h2>
 * For columns {@code x, y} with {@code α = ‖x‖², β = ‖y‖², γ = xᵀy}, the rotation by θ with
 * {@code cot 2θ = ζ = (β − α) / 2γ} makes them orthogonal; {@code t = tan θ} is the smaller root
 * {@code sign(ζ) / (|ζ| + √(1 + ζ²))}, so {@code |θ| ≤ π/4} (Rutishauser's choice, which is what makes
 * the cyclic method converge).
 *
 * <h2>Convergence criterion</h2>
 * A pair is left alone when its cosine {@code |γ| / (‖x‖‖y‖)} is at most {@code tolerance}. The test is
 * relative to the two column norms, not to the norm of the matrix: that is what lets tiny columns be
 * made orthogonal to large ones too, and so gives small singular values (and their vectors) high
 * relative accuracy (Demmel &amp; Veselić 1992). The method stops after the first sweep (a pass over all
 * pairs, row-cyclic order) that rotates nothing.
 *
 * <h2>Norms</h2>
 * The squared norms are recomputed from the rotated columns in the same loop that rotates them (the
 * data is in cache already), rather than updated by the closed-form {@code α − tγ}: the update cancels
 * when a small column is rotated against a nearly parallel large one, and exact norms keep the
 * criterion and the singular values trustworthy.
 */
final class OneSidedJacobi {

    private OneSidedJacobi() {
    }

    /** Largest {@code |ζ|} for which {@code ζ²} cannot overflow; above it {@code t = 1 / 2ζ} to full precision. */
    private static final double BIG_ZETA = 1e150;

    /**
     * Orthogonalizes the {@code cols} columns (each of {@code rows} entries, column-major) of {@code x}
     * in place, and applies the same rotations to the columns of {@code v} ({@code vRows} entries each)
     * when {@code v} is not null. On return {@code norms2[j]} is the squared norm of column {@code j}.
     * Columns whose squared norm is below {@code negligible2} are not rotated (they are below the
     * resolution the caller can use).
     *
     * @return the number of sweeps done
     * @throws ArithmeticException if {@code maxSweeps} sweeps did not reach the criterion
     */
    static int orthogonalize(double[] x, int rows, int cols, double[] v, int vRows, double[] norms2,
                             double tolerance, double negligible2, int maxSweeps) {
        for (int j = 0; j < cols; j++) {
            norms2[j] = Blas.dot(x, j * rows, x, j * rows, rows);
        }
        double worst = 0;
        for (int sweep = 1; sweep <= maxSweeps; sweep++) {
            boolean rotated = false;
            worst = 0;
            for (int i = 0; i < cols - 1; i++) {
                for (int j = i + 1; j < cols; j++) {
                    double alpha = norms2[i];
                    double beta = norms2[j];
                    if (alpha < negligible2 || beta < negligible2) {
                        continue;
                    }
                    double gamma = Blas.dot(x, i * rows, x, j * rows, rows);
                    double cosine = Math.abs(gamma) / (Math.sqrt(alpha) * Math.sqrt(beta));
                    if (!(cosine > tolerance)) {
                        continue;
                    }
                    worst = Math.max(worst, cosine);
                    double zeta = (beta - alpha) / (2.0 * gamma);
                    double t = Math.abs(zeta) > BIG_ZETA
                            ? 0.5 / zeta
                            : Math.copySign(1.0, zeta) / (Math.abs(zeta) + Math.sqrt(1.0 + zeta * zeta));
                    if (t == 0.0) {
                        continue; // cannot change anything; the sweep cap reports it if it persists
                    }
                    double c = 1.0 / Math.sqrt(1.0 + t * t);
                    double s = c * t;
                    rotate(x, i * rows, j * rows, rows, c, s, norms2, i, j);
                    if (v != null) {
                        rotate(v, i * vRows, j * vRows, vRows, c, s, null, i, j);
                    }
                    rotated = true;
                }
            }
            if (!rotated) {
                return sweep;
            }
        }
        throw new ArithmeticException("one-sided Jacobi SVD did not converge in " + maxSweeps + " sweeps on a "
                + rows + "×" + cols + " working matrix: the last sweep still found a column pair with cosine "
                + worst + " (tolerance " + tolerance + "); the input may hold values too extreme to resolve");
    }

    /**
     * {@code x_i ← c x_i − s x_j}, {@code x_j ← s x_i + c x_j}; with {@code norms2} given, stores the
     * new squared norms of both columns.
     */
    private static void rotate(double[] x, int oi, int oj, int length, double c, double s, double[] norms2,
                               int i, int j) {
        double ni = 0;
        double nj = 0;
        for (int k = 0; k < length; k++) {
            double xi = x[oi + k];
            double xj = x[oj + k];
            double ri = c * xi - s * xj;
            double rj = s * xi + c * xj;
            x[oi + k] = ri;
            x[oj + k] = rj;
            ni += ri * ri;
            nj += rj * rj;
        }
        if (norms2 != null) {
            norms2[i] = ni;
            norms2[j] = nj;
        }
    }
}
