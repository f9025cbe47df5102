package deeptensor.experiments;

import deeptensor.internal.model.CpModel;
import deeptensor.model.FactorForm;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.internal.train.Initializer;
import java.util.function.Consumer;

/**
 * A deep CP completion trajectory under plain gradient descent, observed step by step: the setting
 * in which the component-norm law (E1) and the conservation laws (E2) are checked.
 *
 * <p>The target is a rank-2 tensor of {@code d^N} entries with i.i.d. Gaussian factors and unit
 * Frobenius norm; 40 % of its entries are observed, drawn uniformly without replacement; the model
 * has R components and starts from the given initialization (for the law: exactly balanced,
 * {@link Initializer#balanced}, the setting in which it is derived).
 *
 * <p>Step size: the papers state steps for the loss ½Σ_Ω(W − Y)²; the library's loss is
 * (1/m)Σ_Ω(W − Y)², whose gradient is 2/m times larger. {@link #run} takes η in the papers'
 * convention and converts it, so that "time" is η × steps in their units, and the projections
 * {@code ⟨−∇ℓ(W), Ŵ_r⟩} it reports use their gradient {@code P_Ω(W − Y)}. The descent itself is
 * {@link BalancedCpDescent}'s, which E3 and E7 use too; this class adds the target, the sample and
 * the per-step record.
 */
final class DeepCpDynamics implements AutoCloseable {

    static final int TARGET_RANK = 2;
    static final double OBSERVED_FRACTION = 0.4;

    final CpModel model;
    final int rank;
    private final BalancedCpDescent descent;

    /**
     * @param order     tensor order N
     * @param dim       size of every mode
     * @param rank      number of model components R
     * @param form      how each factor is parametrized (column chains for the law)
     * @param init      the initialization (exactly balanced for the law)
     * @param seed      seed of the target, the sample and the initialization
     */
    DeepCpDynamics(int order, int dim, int rank, FactorForm form, Initializer init, long seed) {
        int[] dims = new int[order];
        java.util.Arrays.fill(dims, dim);
        Shape shape = Shape.of(dims);
        this.rank = rank;
        int observed = (int) Math.round(OBSERVED_FRACTION * shape.size());
        try (Tensor truth = Synthetic.cp(shape, TARGET_RANK, 1.0, seed)) {
            descent = new BalancedCpDescent(truth, Synthetic.sample(shape, observed, seed + 1), rank, form, init, seed + 2);
        }
        model = descent.model();
    }

    /** What an observer sees at a step: the norms before it, after it, the projections before it, and η (papers' units). */
    record Step(long t, double[] normsBefore, double[] normsAfter, double[] projections, double eta) {

        /** The measured rate {@code (‖W_r(t+1)‖ − ‖W_r(t)‖)/η}. */
        double measuredRate(int r) {
            return (normsAfter[r] - normsBefore[r]) / eta;
        }

        /** The law's rate {@code K·‖W_r‖^(2−2/K)·⟨−∇ℓ, Ŵ_r⟩} at the start of the step. */
        double predictedRate(int r, double k) {
            return k * Math.pow(normsBefore[r], 2 - 2 / k) * projections[r];
        }
    }

    /**
     * Runs {@code steps} GD steps of size {@code eta} (½Σ convention). {@code observer} (may be null)
     * gets every step; {@code beforeEachStep} (may be null) sees the model before each step.
     */
    void run(double eta, int steps, Consumer<Step> observer, Consumer<CpModel> beforeEachStep) {
        double[] before = new double[rank];
        for (int t = 0; t < steps; t++) {
            if (beforeEachStep != null) {
                beforeEachStep.accept(model);
            }
            double[] projections = observer == null ? null : new double[rank];
            descent.evaluate(before, projections);
            descent.descend(eta);
            if (observer != null) {
                double[] after = new double[rank];
                model.componentNorms(after);
                observer.accept(new Step(t, before.clone(), after, projections, eta));
            }
        }
    }

    @Override
    public void close() {
        descent.close();
    }
}
