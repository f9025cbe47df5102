package deeptensor.experiments;

import deeptensor.internal.model.Models;
import deeptensor.internal.model.Batch;
import deeptensor.model.CP;
import deeptensor.internal.model.CpModel;
import deeptensor.model.FactorForm;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Tensor;
import deeptensor.internal.train.Initializer;
import java.util.Arrays;

/**
 * Plain gradient descent on a deep CP model whose components are column chains of depth L (one
 * linear chain per CP vector; Hariz et al., ICML 2022), started from exactly balanced chains, with
 * what the component-norm law needs read off at every step: the norms {@code ‖W_r‖} and the
 * projections {@code g_r = ⟨−∇ℓ(W), Ŵ_r⟩}.
 *
 * <p>Everything here is in the papers' convention: loss {@code ℓ = ½Σ_Ω(W − Y)²} and time
 * {@code t = step × η}. The library's loss is {@code (1/m)Σ_Ω(W − Y)²}, whose gradient is {@code 2/m}
 * times larger, so a step of {@code η} here is a library GD step of {@code η·m/2}, and {@code g_r}
 * is {@code m/2} times the projection of the library's residual.
 *
 * <p>With balanced chains every link starts at Frobenius norm {@code s}, so every component starts at
 * {@code ‖W_r‖ = s^{N·L}}; {@link #linkScaleFor} inverts that.
 */
final class BalancedCpDescent implements AutoCloseable {

    private final CpModel model;
    private final Coordinates at;
    private final Tensor targets;
    private final Batch batch;
    private final int observed;
    private final int order;
    private final int[][] index;
    private final double[][] factorValues;
    private final double[][] columnNorms;

    /**
     * @param truth      the target tensor; only its entries at {@code offsets} are seen
     * @param offsets    the observed entries, as flat offsets of {@code truth}
     * @param rank       the number of components R
     * @param depth      the chain depth L (1 = Razin's shallow CP)
     * @param linkScale  the Frobenius norm {@code s} of every link at initialization
     * @param initSeed   the seed of the initial directions (the same seed gives the same directions at every scale)
     */
    BalancedCpDescent(Tensor truth, long[] offsets, int rank, int depth, double linkScale, long initSeed) {
        this(truth, offsets, rank, FactorForm.columnChains(depth), Initializer.balanced(linkScale), initSeed);
    }

    /**
     * The same descent for any factor form and initialization (E1 contrasts the balanced column
     * chains with shared chains and a Gaussian start).
     */
    BalancedCpDescent(Tensor truth, long[] offsets, int rank, FactorForm form, Initializer init, long initSeed) {
        this.observed = offsets.length;
        this.order = truth.shape().order();
        this.at = Coordinates.ofOffsets(truth.shape(), offsets);
        this.targets = Tensor.zeros(observed);
        for (int e = 0; e < observed; e++) {
            targets.setFlat(e, truth.getFlat(offsets[e]));
        }
        this.batch = new Batch(at, targets);
        this.model = Models.build(CP.shallow().rank(rank).factorForm(form), truth.shape());
        init.initialize(model, initSeed);
        this.index = new int[observed][order];
        for (int e = 0; e < observed; e++) {
            for (int n = 0; n < order; n++) {
                index[e][n] = at.index(e, n);
            }
        }
        this.factorValues = new double[order][];
        this.columnNorms = new double[order][rank];
    }

    /** The model being trained. */
    CpModel model() {
        return model;
    }

    /** The link scale {@code s} at which balanced chains start every component at norm {@code c0}: {@code s = c0^{1/(N·L)}}. */
    static double linkScaleFor(double c0, int order, int depth) {
        return Math.pow(c0, 1.0 / (order * depth));
    }

    /**
     * Evaluates the loss and its gradient at the current parameters, writes the norms
     * {@code ‖W_r‖ = Π_n ‖w_r^n‖} and the projections {@code g_r} there into {@code norms} and
     * {@code projections} (either may be null), and returns the loss {@code ½Σ_Ω(W − Y)²}. Call
     * before {@link #descend}.
     */
    double evaluate(double[] norms, double[] projections) {
        double libraryLoss = model.lossAndGradient(batch); // also leaves the end-to-end factors computed
        if (norms != null || projections != null) {
            readFactors();
        }
        if (norms != null) {
            for (int r = 0; r < model.rank(); r++) {
                double product = 1;
                for (int n = 0; n < order; n++) {
                    product *= columnNorms[n][r];
                }
                norms[r] = product;
            }
        }
        if (projections != null) {
            projections(projections);
        }
        return libraryLoss * observed / 2;
    }

    /** The end-to-end factor matrices (row-major d_n × R) and their column norms. */
    private void readFactors() {
        int rank = model.rank();
        for (int n = 0; n < order; n++) {
            Tensor matrix = model.factors().get(n).matrix();
            if (factorValues[n] == null) {
                factorValues[n] = new double[(int) matrix.size()];
            }
            Arrays.fill(columnNorms[n], 0);
            for (int i = 0; i < factorValues[n].length; i++) {
                double v = matrix.getFlat(i);
                factorValues[n][i] = v;
                columnNorms[n][i % rank] += v * v;
            }
            for (int r = 0; r < rank; r++) {
                columnNorms[n][r] = Math.sqrt(columnNorms[n][r]);
            }
        }
    }

    /**
     * {@code ‖∇_θ ℓ‖ / ‖θ‖} at the last {@link #evaluate} (½Σ convention): a GD step of {@code η}
     * changes the parameters by the fraction {@code η} times this.
     */
    double relativeGradient() {
        Tensor values = model.parameters().values();
        Tensor gradients = model.parameters().gradients();
        double gradient = 0;
        double parameters = 0;
        for (long i = 0; i < values.size(); i++) {
            gradient += gradients.getFlat(i) * gradients.getFlat(i);
            parameters += values.getFlat(i) * values.getFlat(i);
        }
        return Math.sqrt(gradient / parameters) * observed / 2;
    }

    /** One plain GD step of size {@code eta} (½Σ convention) with the gradient of the last {@link #evaluate}. */
    void descend(double eta) {
        double libraryEta = eta * observed / 2;
        Tensor values = model.parameters().values();
        Tensor gradients = model.parameters().gradients();
        for (long i = 0; i < values.size(); i++) { // θ ← θ − η∇ℓ, as Optimizer.gradientDescent does, at a step that may vary
            values.setFlat(i, values.getFlat(i) - libraryEta * gradients.getFlat(i));
        }
    }

    /** {@code g_r = −Σ_Ω (W − Y)·Π_n ŵ_r^n}, from the residual the last gradient left in the batch. */
    private void projections(double[] out) {
        int rank = model.rank();
        Arrays.fill(out, 0);
        for (int e = 0; e < observed; e++) {
            double residual = batch.residual().getFlat(e);
            for (int r = 0; r < rank; r++) {
                double product = residual;
                for (int n = 0; n < order; n++) {
                    product *= factorValues[n][index[e][n] * rank + r];
                }
                out[r] -= product;
            }
        }
        for (int r = 0; r < rank; r++) {
            double norm = 1;
            for (int n = 0; n < order; n++) {
                norm *= columnNorms[n][r];
            }
            out[r] *= observed / 2.0 / norm; // the library's residual is (2/m)(W − Y); Ŵ_r = W_r/‖W_r‖
        }
    }

    @Override
    public void close() {
        batch.close();
        model.close();
        at.close();
        targets.close();
    }
}
