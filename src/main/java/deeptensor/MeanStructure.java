package deeptensor;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;

/**
 * A simple mean model fitted to observed entries: the baselines the default completion must beat,
 * and the "centre" a low-rank model may be fitted around.
 *
 * <ul>
 *   <li>{@link #globalMean}: one value, the mean of the observed entries.</li>
 *   <li>{@link #mainEffects}: additive main effects {@code μ + Σₙ aₙ[iₙ]}, least squares with a light
 *       shrinkage of each effect toward zero (weight {@value #SHRINKAGE} pseudo-observations), so an
 *       index seen once or never gets an effect near zero instead of a wild one.</li>
 *   <li>{@link #fibreMeans}: for one mode n, the mean of each mode-n fibre (all entries that share
 *       every index but the n-th; for a stack of images along mode n, the per-pixel mean), shrunk toward
 *       the global mean by the same pseudo-observation weight.</li>
 * </ul>
 * Memory: main effects hold Σ dₙ values; fibre means hold two arrays of {@code size / dₙ} entries.
 */
abstract sealed class MeanStructure permits MeanStructure.Global, MeanStructure.MainEffects, MeanStructure.FibreMeans {

    /** Pseudo-observations pulling an effect toward its prior (zero, or the main effects). */
    static final double SHRINKAGE = 1.0;
    private static final int BACKFITTING_SWEEPS = 50;

    final Shape shape;

    MeanStructure(Shape shape) {
        this.shape = shape;
    }

    /** A short name for reports. */
    abstract String describe();

    /**
     * The structure as a {@link CompletionModel} holds it: a constant, per-mode effects (null where
     * absent) and a table over every mode but {@code tableMode} (−1: none).
     */
    record Terms(double constant, double[][] effects, int tableMode, double[] table) {
    }

    abstract Terms terms();

    /** The value at observed entry {@code e} of {@code at}. */
    abstract double at(Coordinates at, int e);

    /** The value at the given row-major offset, whose multi-index is {@code index}. */
    abstract double atIndex(int[] index, long offset);

    /** Adds the structure's value to every entry of {@code out} (of this shape). */
    void addTo(Tensor out) {
        int[] index = new int[shape.order()];
        for (long offset = 0; offset < out.size(); offset++) {
            out.setFlat(offset, out.getFlat(offset) + atIndex(index, offset));
            for (int n = index.length - 1; n >= 0; n--) {
                if (++index[n] < shape.dim(n)) {
                    break;
                }
                index[n] = 0;
            }
        }
    }

    /** {@code values} minus the structure at {@code at}, as a new vector (the residual a model is fitted to). */
    Tensor residual(Coordinates at, Tensor values) {
        Tensor out = Tensor.zeros(at.count());
        for (int e = 0; e < at.count(); e++) {
            out.setFlat(e, values.getFlat(e) - at(at, e));
        }
        return out;
    }

    /** The squared difference to each of {@code values} at {@code at}. */
    double[] squaredErrors(Coordinates at, Tensor values) {
        double[] errors = new double[at.count()];
        for (int e = 0; e < errors.length; e++) {
            double d = at(at, e) - values.getFlat(e);
            errors[e] = d * d;
        }
        return errors;
    }

    /** Mean squared difference to {@code values} at {@code at}. */
    double meanSquaredError(Coordinates at, Tensor values) {
        double sum = 0;
        for (double error : squaredErrors(at, values)) {
            sum += error;
        }
        return sum / at.count();
    }

    static Global globalMean(Coordinates at, Tensor values) {
        double sum = 0;
        for (int e = 0; e < at.count(); e++) {
            sum += values.getFlat(e);
        }
        return new Global(at.shape(), sum / at.count());
    }

    static MainEffects mainEffects(Coordinates at, Tensor values) {
        Shape shape = at.shape();
        int order = shape.order(), m = at.count();
        double mu = globalMean(at, values).mean;
        double[][] effects = new double[order][];
        int[][] counts = new int[order][];
        // The indexes and values, copied once into plain arrays: the sweeps read them many times.
        int[][] index = new int[order][m];
        double[] y = values.toArray();
        for (int n = 0; n < order; n++) {
            effects[n] = new double[shape.dim(n)];
            counts[n] = new int[shape.dim(n)];
            for (int e = 0; e < m; e++) {
                index[n][e] = at.index(e, n);
                counts[n][index[n][e]]++;
            }
        }
        // Backfitting (Gauss–Seidel on the normal equations): each sweep refits one mode's effects to
        // what the others leave, then moves their mean into μ so the effects stay centred.
        double[] sums = new double[0];
        for (int sweep = 0; sweep < BACKFITTING_SWEEPS; sweep++) {
            double change = 0;
            for (int n = 0; n < order; n++) {
                if (sums.length < shape.dim(n)) {
                    sums = new double[shape.dim(n)];
                }
                java.util.Arrays.fill(sums, 0, shape.dim(n), 0);
                for (int e = 0; e < m; e++) {
                    double rest = y[e] - mu;
                    for (int k = 0; k < order; k++) {
                        if (k != n) {
                            rest -= effects[k][index[k][e]];
                        }
                    }
                    sums[index[n][e]] += rest;
                }
                double mean = 0;
                for (int i = 0; i < shape.dim(n); i++) {
                    double updated = sums[i] / (counts[n][i] + SHRINKAGE);
                    change = Math.max(change, Math.abs(updated - effects[n][i]));
                    effects[n][i] = updated;
                    mean += updated * counts[n][i];
                }
                mean /= m;
                for (int i = 0; i < shape.dim(n); i++) {
                    effects[n][i] -= mean;
                }
                mu += mean;
            }
            if (change <= 1e-12 * (1 + Math.abs(mu))) {
                break;
            }
        }
        return new MainEffects(shape, mu, effects);
    }

    /** Fibre means along {@code mode}, shrunk toward {@code prior}. */
    static FibreMeans fibreMeans(Coordinates at, Tensor values, int mode, MeanStructure prior) {
        Shape shape = at.shape();
        long fibres = shape.size() / shape.dim(mode);
        if (fibres > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many mode-" + mode + " fibres: " + fibres);
        }
        double[] sums = new double[(int) fibres];
        double[] priorSums = new double[(int) fibres];
        int[] counts = new int[(int) fibres];
        for (int e = 0; e < at.count(); e++) {
            int fibre = fibreOf(at, e, mode, shape);
            sums[fibre] += values.getFlat(e);
            priorSums[fibre] += prior.at(at, e);
            counts[fibre]++;
        }
        // Stored as an offset from the prior: mean(y − prior) over the fibre, shrunk toward 0, so a
        // fibre seen rarely stays near the prior.
        double[] offsets = new double[(int) fibres];
        for (int f = 0; f < fibres; f++) {
            offsets[f] = (sums[f] - priorSums[f]) / (counts[f] + SHRINKAGE);
        }
        return new FibreMeans(shape, mode, prior, offsets);
    }

    /** Whether fibre means along {@code mode} are affordable and have, on average, at least two observations each. */
    static boolean fibreMeansWorthTrying(Shape shape, int observed, int mode) {
        long fibres = shape.size() / shape.dim(mode);
        return shape.dim(mode) > 1 && fibres <= (1 << 26) && observed >= 2 * fibres;
    }

    private static int fibreOf(Coordinates at, int e, int mode, Shape shape) {
        long fibre = 0;
        for (int n = 0; n < shape.order(); n++) {
            if (n != mode) {
                fibre = fibre * shape.dim(n) + at.index(e, n);
            }
        }
        return (int) fibre;
    }

    private static int fibreOfIndex(int[] index, int mode, Shape shape) {
        long fibre = 0;
        for (int n = 0; n < shape.order(); n++) {
            if (n != mode) {
                fibre = fibre * shape.dim(n) + index[n];
            }
        }
        return (int) fibre;
    }

    static final class Global extends MeanStructure {
        final double mean;

        Global(Shape shape, double mean) {
            super(shape);
            this.mean = mean;
        }

        @Override
        String describe() {
            return "global mean";
        }

        @Override
        Terms terms() {
            return new Terms(mean, new double[shape.order()][], -1, null);
        }

        @Override
        double at(Coordinates at, int e) {
            return mean;
        }

        @Override
        double atIndex(int[] index, long offset) {
            return mean;
        }
    }

    static final class MainEffects extends MeanStructure {
        private final double mu;
        private final double[][] effects;

        MainEffects(Shape shape, double mu, double[][] effects) {
            super(shape);
            this.mu = mu;
            this.effects = effects;
        }

        @Override
        String describe() {
            return "additive main effects";
        }

        @Override
        Terms terms() {
            double[][] copies = new double[effects.length][];
            for (int n = 0; n < effects.length; n++) {
                copies[n] = effects[n].clone();
            }
            return new Terms(mu, copies, -1, null);
        }

        @Override
        double at(Coordinates at, int e) {
            double value = mu;
            for (int n = 0; n < effects.length; n++) {
                value += effects[n][at.index(e, n)];
            }
            return value;
        }

        @Override
        double atIndex(int[] index, long offset) {
            double value = mu;
            for (int n = 0; n < effects.length; n++) {
                value += effects[n][index[n]];
            }
            return value;
        }
    }

    static final class FibreMeans extends MeanStructure {
        private final int mode;
        private final MeanStructure prior;
        private final double[] offsets;

        FibreMeans(Shape shape, int mode, MeanStructure prior, double[] offsets) {
            super(shape);
            this.mode = mode;
            this.prior = prior;
            this.offsets = offsets;
        }

        int mode() {
            return mode;
        }

        @Override
        String describe() {
            return "mode-" + mode + " fibre means";
        }

        @Override
        Terms terms() {
            Terms base = prior.terms();
            if (base.tableMode() >= 0) {
                throw new IllegalStateException("fibre means on top of fibre means have no model form");
            }
            return new Terms(base.constant(), base.effects(), mode, offsets.clone());
        }

        @Override
        double at(Coordinates at, int e) {
            return prior.at(at, e) + offsets[fibreOf(at, e, mode, shape)];
        }

        @Override
        double atIndex(int[] index, long offset) {
            return prior.atIndex(index, offset) + offsets[fibreOfIndex(index, mode, shape)];
        }
    }
}
