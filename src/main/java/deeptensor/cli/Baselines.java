package deeptensor.cli;

import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;

/**
 * The simple completions a result is measured against: the mean of the observed values everywhere,
 * and additive main effects {@code μ + Σₙ aₙ[iₙ]} fitted to the observed values by least squares
 * (back-fitting: each mode's effects in turn are the mean residual of their slice; an effect whose
 * slice holds no observed entry stays 0).
 */
final class Baselines {

    /** Back-fitting sweeps over the modes; a few dozen settle the effects to many digits on the demo data. */
    static final int SWEEPS = 30;

    private Baselines() {
    }

    /** The observed mean, everywhere. */
    static Tensor mean(Observations observed) {
        double sum = 0;
        for (int e = 0; e < observed.count(); e++) {
            sum += observed.value(e);
        }
        return Tensor.zeros(observed.shape()).fill(sum / observed.count());
    }

    /** The additive main-effects completion. */
    static Tensor mainEffects(Observations observed) {
        Shape shape = observed.shape();
        int order = shape.order();
        int count = observed.count();
        double mu = 0;
        for (int e = 0; e < count; e++) {
            mu += observed.value(e);
        }
        mu /= count;
        double[][] effects = new double[order][];
        int[][] counts = new int[order][];
        for (int n = 0; n < order; n++) {
            effects[n] = new double[shape.dim(n)];
            counts[n] = new int[shape.dim(n)];
            for (int e = 0; e < count; e++) {
                counts[n][observed.coordinates().index(e, n)]++;
            }
        }
        double[] residual = new double[count];
        for (int e = 0; e < count; e++) {
            residual[e] = observed.value(e) - mu;
        }
        for (int sweep = 0; sweep < SWEEPS; sweep++) {
            for (int n = 0; n < order; n++) {
                double[] sums = new double[shape.dim(n)];
                for (int e = 0; e < count; e++) {
                    int k = observed.coordinates().index(e, n);
                    sums[k] += residual[e] + effects[n][k]; // the residual without this mode's effect
                }
                double[] updated = new double[shape.dim(n)];
                for (int k = 0; k < updated.length; k++) {
                    updated[k] = counts[n][k] == 0 ? 0 : sums[k] / counts[n][k];
                }
                for (int e = 0; e < count; e++) {
                    int k = observed.coordinates().index(e, n);
                    residual[e] += effects[n][k] - updated[k];
                }
                effects[n] = updated;
            }
        }
        Tensor result = Tensor.zeros(shape);
        int[] index = new int[order];
        for (long i = 0; i < result.size(); i++) {
            double value = mu;
            for (int n = 0; n < order; n++) {
                value += effects[n][index[n]];
            }
            result.setFlat(i, value);
            for (int n = order - 1; n >= 0 && ++index[n] == shape.dim(n); n--) {
                index[n] = 0;
            }
        }
        return result;
    }

    /** {@code ‖a − truth‖ / ‖truth‖} over the entries where {@code where[i]} is true. */
    static double relativeError(Tensor estimate, Tensor truth, boolean[] where) {
        double difference = 0, norm = 0;
        for (int i = 0; i < where.length; i++) {
            if (where[i]) {
                double t = truth.getFlat(i);
                double d = estimate.getFlat(i) - t;
                difference += d * d;
                norm += t * t;
            }
        }
        return Math.sqrt(difference / norm);
    }
}
