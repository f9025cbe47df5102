package deeptensor.experiments;

import deeptensor.kernel.TensorOps;
import deeptensor.internal.linalg.Svd;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;

/**
 * The convex completion baselines: the tensor {@code X} of smallest sum of nuclear norms
 * {@code Σ_n α_n ‖X_(n)‖_*} (equal weights {@code α_n = 1/|modes|}) that agrees exactly with the
 * observed entries, solved by the ADMM of HaLRTC (Liu, Musialski, Wonka and Ye, TPAMI 2013). Over the
 * single mode 0 of a matrix it is nuclear-norm minimization, the convex baseline of Arora et al.
 * (NeurIPS 2019), who solve it with a conic solver under the constraint {@code |X_Ω − Y_Ω| ≤ 1e-3};
 * here the constraint is equality.
 *
 * <p>The splitting: one copy {@code M_n} per unfolding, {@code X = M_n} enforced by multipliers
 * {@code Y_n} and a penalty {@code ρ}. Each iteration thresholds the singular values of
 * {@code unfold_n(X + Y_n/ρ)} by {@code α_n/ρ} to get {@code M_n}, averages {@code M_n − Y_n/ρ} over
 * the modes on the unobserved entries (the observed ones stay at their values), and ascends the
 * multipliers, {@code Y_n ← Y_n + ρ(X − M_n)}. The penalty grows geometrically up to a cap, the
 * usual way to make the ADMM converge in hundreds of iterations. The run stops when both the
 * change of {@code X} and the largest disagreement {@code ‖X − M_n‖} fall below a tolerance relative
 * to the norm of the observed values.
 */
final class SumOfNuclearNormsCompletion {

    /** The completed tensor (owned by the caller) and how the ADMM ended. */
    record Result(Tensor completed, int iterations, double primalResidual) implements AutoCloseable {
        @Override
        public void close() {
            completed.close();
        }
    }

    private final int[] modes;
    private double initialPenalty = 1e-3;
    private double growth = 1.05;
    private double maxPenalty = 1e6;
    private int maxIterations = 3000;
    private double tolerance = 1e-8;

    private SumOfNuclearNormsCompletion(int[] modes) {
        this.modes = modes.clone();
    }

    /** SNN over every mode unfolding of a tensor of the given order (HaLRTC). */
    static SumOfNuclearNormsCompletion allModes(int order) {
        int[] modes = new int[order];
        for (int n = 0; n < order; n++) {
            modes[n] = n;
        }
        return new SumOfNuclearNormsCompletion(modes);
    }

    /** SNN over the unfoldings of the given modes only, with equal weights. */
    static SumOfNuclearNormsCompletion modes(int... modes) {
        return new SumOfNuclearNormsCompletion(modes);
    }

    /** The nuclear norm of a matrix (its mode-0 unfolding is itself). */
    static SumOfNuclearNormsCompletion matrix() {
        return new SumOfNuclearNormsCompletion(new int[] {0});
    }

    SumOfNuclearNormsCompletion maxIterations(int iterations) {
        this.maxIterations = iterations;
        return this;
    }

    SumOfNuclearNormsCompletion tolerance(double tolerance) {
        this.tolerance = tolerance;
        return this;
    }

    /** Penalty schedule: {@code ρ_0}, the factor per iteration and the cap. */
    SumOfNuclearNormsCompletion penalty(double initial, double growthFactor, double cap) {
        this.initialPenalty = initial;
        this.growth = growthFactor;
        this.maxPenalty = cap;
        return this;
    }

    /**
     * Completes the tensor of {@code shape} whose entries at the flat {@code offsets} are {@code values}.
     */
    Result complete(Shape shape, long[] offsets, double[] values) {
        int count = modes.length;
        double weight = 1.0 / count;
        long size = shape.size();
        boolean[] observed = new boolean[(int) size];
        double observedNorm = 0;
        for (int e = 0; e < offsets.length; e++) {
            observed[(int) offsets[e]] = true;
            observedNorm += values[e] * values[e];
        }
        observedNorm = Math.sqrt(observedNorm);
        Tensor x = Tensor.zeros(shape);
        for (int e = 0; e < offsets.length; e++) {
            x.setFlat(offsets[e], values[e]);
        }
        Tensor[] m = new Tensor[count];
        Tensor[] y = new Tensor[count];
        Tensor[] unfolded = new Tensor[count];
        Tensor shifted = Tensor.zeros(shape);
        Tensor previous = Tensor.zeros(shape);
        try {
            for (int k = 0; k < count; k++) {
                m[k] = Tensor.zeros(shape);
                y[k] = Tensor.zeros(shape);
                unfolded[k] = Tensor.zeros(TensorOps.unfoldedShape(shape, modes[k]));
            }
            double rho = initialPenalty;
            int iteration = 0;
            double residual = Double.NaN;
            while (iteration < maxIterations) {
                iteration++;
                previous.copyFrom(x);
                for (int k = 0; k < count; k++) {
                    for (long i = 0; i < size; i++) {
                        shifted.setFlat(i, x.getFlat(i) + y[k].getFlat(i) / rho);
                    }
                    TensorOps.unfold(shifted, modes[k], unfolded[k]);
                    shrinkSingularValues(unfolded[k], weight / rho);
                    TensorOps.fold(unfolded[k], modes[k], m[k]);
                }
                for (long i = 0; i < size; i++) {
                    if (!observed[(int) i]) {
                        double sum = 0;
                        for (int k = 0; k < count; k++) {
                            sum += m[k].getFlat(i) - y[k].getFlat(i) / rho;
                        }
                        x.setFlat(i, sum / count);
                    }
                }
                residual = 0;
                for (int k = 0; k < count; k++) {
                    double squares = 0;
                    for (long i = 0; i < size; i++) {
                        double gap = x.getFlat(i) - m[k].getFlat(i);
                        squares += gap * gap;
                        y[k].setFlat(i, y[k].getFlat(i) + rho * gap);
                    }
                    residual = Math.max(residual, Math.sqrt(squares) / observedNorm);
                }
                double change = 0;
                for (long i = 0; i < size; i++) {
                    double d = x.getFlat(i) - previous.getFlat(i);
                    change += d * d;
                }
                change = Math.sqrt(change) / observedNorm;
                if (change < tolerance && residual < tolerance) {
                    break;
                }
                rho = Math.min(rho * growth, maxPenalty);
            }
            return new Result(x, iteration, residual);
        } catch (RuntimeException | Error e) {
            x.close();
            throw e;
        } finally {
            for (int k = 0; k < count; k++) {
                close(m[k]);
                close(y[k]);
                close(unfolded[k]);
            }
            shifted.close();
            previous.close();
        }
    }

    /** {@code A ← U diag(max(σ − τ, 0)) Vᵀ}: the proximal map of {@code τ‖·‖_*}. */
    static void shrinkSingularValues(Tensor a, double threshold) {
        try (Svd.Result svd = Svd.decompose(a)) {
            double[] s = svd.s();
            int kept = 0;
            while (kept < s.length && s[kept] > threshold) {
                kept++;
            }
            if (kept == 0) {
                a.fill(0);
                return;
            }
            Tensor u = svd.u();
            int rows = u.rows();
            try (Tensor left = Tensor.zeros(rows, kept)) {
                for (int i = 0; i < rows; i++) {
                    for (int r = 0; r < kept; r++) {
                        left.set(u.get(i, r) * (s[r] - threshold), i, r);
                    }
                }
                TensorOps.gemm(1, left, false, svd.vt().slice(0, kept), false, 0, a);
            }
        }
    }

    private static void close(Tensor t) {
        if (t != null) {
            t.close();
        }
    }
}
