package deeptensor;

import java.util.Arrays;

/**
 * Limited-memory BFGS for a smooth objective of a few million variables or fewer: the two-loop
 * recursion over the last {@link #HISTORY} steps (Nocedal and Wright, <i>Numerical Optimization</i>,
 * 2nd ed., Algorithm 7.4) with a backtracking line search on the Armijo condition. A curvature pair
 * with {@code sᵀy ≤ 0} is skipped rather than stored, which keeps the inverse-Hessian estimate
 * positive definite without a Wolfe line search.
 *
 * <p>Used for the ridge-regularized fits of the default completion, where it converges in far fewer
 * evaluations than first-order methods. All buffers are allocated once per instance; an iteration
 * allocates nothing.
 */
final class Lbfgs {

    /** Curvature pairs kept. */
    static final int HISTORY = 10;
    private static final double ARMIJO = 1e-4;
    private static final int MAX_BACKTRACKS = 30;

    /** The function minimized: writes the gradient at {@code x} into {@code gradient} and returns the value. */
    interface Objective {
        double valueAndGradient(double[] x, double[] gradient);
    }

    /** Asked before every iteration whether to go on (time budget, interruption). */
    interface Control {
        /** Null to go on, or the reason to stop. */
        Stop check();

        /** Told after every iteration. */
        default void iterated(int iteration, double value) {
        }
    }

    /** Why a minimization ended. */
    enum Stop { ITERATIONS, CONVERGED, NO_PROGRESS, TIME_LIMIT, INTERRUPTED }

    /** The outcome: iterations done, final value, why it stopped. {@code x} holds the final point. */
    record Result(int iterations, double value, Stop stop) {
    }

    private final int n;
    private final double[] gradient, direction, previousX, previousGradient, trial, trialGradient, alpha, rho;
    private final double[][] s, y;

    Lbfgs(int variables) {
        this.n = variables;
        this.gradient = new double[n];
        this.direction = new double[n];
        this.previousX = new double[n];
        this.previousGradient = new double[n];
        this.trial = new double[n];
        this.trialGradient = new double[n];
        this.alpha = new double[HISTORY];
        this.rho = new double[HISTORY];
        this.s = new double[HISTORY][n];
        this.y = new double[HISTORY][n];
    }

    /**
     * Minimizes from {@code x} (updated in place) for at most {@code maxIterations} iterations. Stops
     * early when the value has decreased by less than {@code relativeTolerance} of its size over the
     * last 10 iterations.
     */
    Result minimize(Objective f, double[] x, int maxIterations, double relativeTolerance, Control control) {
        if (x.length != n) {
            throw new IllegalArgumentException("expected " + n + " variables, got " + x.length);
        }
        double value = f.valueAndGradient(x, gradient);
        if (!Double.isFinite(value)) {
            throw new IllegalStateException("the objective is " + value + " at the starting point");
        }
        int stored = 0, newest = -1;
        double[] recent = new double[10];
        Arrays.fill(recent, Double.NaN);
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            Stop stop = control.check();
            if (stop != null) {
                return new Result(iteration, value, stop);
            }
            twoLoop(stored, newest);
            double slope = dot(gradient, direction);
            if (!(slope < 0)) { // not a descent direction (numerical trouble): restart from steepest descent
                stored = 0;
                for (int i = 0; i < n; i++) {
                    direction[i] = -gradient[i];
                }
                slope = -dot(gradient, gradient);
                if (slope == 0) {
                    return new Result(iteration, value, Stop.CONVERGED);
                }
            }
            double step = stored == 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
            double trialValue = Double.NaN;
            boolean accepted = false;
            for (int tries = 0; tries < MAX_BACKTRACKS; tries++) {
                for (int i = 0; i < n; i++) {
                    trial[i] = x[i] + step * direction[i];
                }
                trialValue = f.valueAndGradient(trial, trialGradient);
                if (Double.isFinite(trialValue) && trialValue <= value + ARMIJO * step * slope) {
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if (!accepted) {
                if (stored == 0) {
                    return new Result(iteration, value, Stop.NO_PROGRESS);
                }
                stored = 0; // the curvature history misled the search: forget it and try steepest descent
                continue;
            }
            System.arraycopy(x, 0, previousX, 0, n);
            System.arraycopy(gradient, 0, previousGradient, 0, n);
            System.arraycopy(trial, 0, x, 0, n);
            System.arraycopy(trialGradient, 0, gradient, 0, n);
            int slot = (newest + 1) % HISTORY;
            double sy = 0;
            for (int i = 0; i < n; i++) {
                s[slot][i] = x[i] - previousX[i];
                y[slot][i] = gradient[i] - previousGradient[i];
                sy += s[slot][i] * y[slot][i];
            }
            if (sy > 1e-300) {
                rho[slot] = 1 / sy;
                newest = slot;
                stored = Math.min(stored + 1, HISTORY);
            }
            double before = recent[iteration % recent.length];
            recent[iteration % recent.length] = trialValue;
            value = trialValue;
            control.iterated(iteration + 1, value);
            if (!Double.isNaN(before) && before - value <= relativeTolerance * Math.abs(before)) {
                return new Result(iteration + 1, value, Stop.CONVERGED);
            }
        }
        return new Result(maxIterations, value, Stop.ITERATIONS);
    }

    /** direction = −H·gradient, H the L-BFGS inverse-Hessian estimate from the stored pairs. */
    private void twoLoop(int stored, int newest) {
        for (int i = 0; i < n; i++) {
            direction[i] = -gradient[i];
        }
        for (int k = 0, slot = newest; k < stored; k++, slot = (slot - 1 + HISTORY) % HISTORY) {
            alpha[slot] = rho[slot] * dot(s[slot], direction);
            axpy(-alpha[slot], y[slot], direction);
        }
        if (stored > 0) {
            double gamma = 1 / (rho[newest] * dot(y[newest], y[newest]));
            for (int i = 0; i < n; i++) {
                direction[i] *= gamma;
            }
        }
        for (int k = 0, slot = (newest - stored + 1 + HISTORY) % HISTORY; k < stored; k++, slot = (slot + 1) % HISTORY) {
            double beta = rho[slot] * dot(y[slot], direction);
            axpy(alpha[slot] - beta, s[slot], direction);
        }
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }
}
