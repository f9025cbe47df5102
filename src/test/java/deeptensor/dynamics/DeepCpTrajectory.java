package deeptensor.dynamics;

import deeptensor.model.Batch;
import deeptensor.model.CP;
import deeptensor.model.CpModel;
import deeptensor.model.Factor;
import deeptensor.model.FactorForm;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.train.Initializer;
import deeptensor.train.Optimizer;
import deeptensor.train.OptimizerState;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The setting: deep CP on a 6×6×6 tensor, R = 4 components, a rank-2 target of
 * unit Frobenius norm, 40 % of the entries observed (m = 86), exactly balanced chains, plain
 * gradient descent. Runs the trajectory and hands every step to an observer.
 *
 * <p>Step size: the papers state their steps for the loss ½Σ_Ω(W − Y)²; ours is (1/m)Σ_Ω(W − Y)²,
 * whose gradient is 2/m times larger, so GD with {@code η} on ours is GD with {@code η·2/m} on theirs.
 * {@link #run} takes the step in their convention and converts it.
 */
final class DeepCpTrajectory implements AutoCloseable {

    static final Shape SHAPE = Shape.of(6, 6, 6);
    static final int RANK = 4;
    static final int OBSERVED = 86;

    final CpModel model;
    final Coordinates at;
    final Tensor targets;
    final Batch batch;

    DeepCpTrajectory(FactorForm form, double linkScale) {
        SplittableRandom random = new SplittableRandom(1);
        double[][][] truthFactors = new double[3][6][2];
        for (double[][] factor : truthFactors) {
            for (double[] row : factor) {
                for (int r = 0; r < 2; r++) {
                    row[r] = random.nextGaussian();
                }
            }
        }
        double[] truth = new double[216];
        double sumSquares = 0;
        for (int i = 0; i < 216; i++) {
            for (int r = 0; r < 2; r++) {
                truth[i] += truthFactors[0][i / 36][r] * truthFactors[1][(i / 6) % 6][r] * truthFactors[2][i % 6][r];
            }
            sumSquares += truth[i] * truth[i];
        }
        long[] offsets = new long[OBSERVED];
        int[] pool = new int[216];
        for (int i = 0; i < 216; i++) {
            pool[i] = i;
        }
        for (int e = 0; e < OBSERVED; e++) {
            int pick = random.nextInt(e, 216);
            int chosen = pool[pick];
            pool[pick] = pool[e];
            pool[e] = chosen;
            offsets[e] = chosen;
        }
        at = Coordinates.ofOffsets(SHAPE, offsets);
        targets = Tensor.zeros(OBSERVED);
        for (int e = 0; e < OBSERVED; e++) {
            targets.setFlat(e, truth[(int) offsets[e]] / Math.sqrt(sumSquares));
        }
        batch = new Batch(at, targets);
        model = CP.shallow().rank(RANK).factorForm(form).build(SHAPE);
        Initializer.balanced(linkScale).initialize(model, 3);
    }

    /** What the observer sees at each step: the state before the step and the change it made. */
    record Step(long t, double[] normsBefore, double[] normsAfter, double[] projections, double eta) {
    }

    /**
     * {@code steps} GD steps of size {@code halfSumEta} (in the ½Σ convention); {@code observer} gets
     * every step, and {@code beforeEachStep} (may be null) sees the model before each step.
     */
    void run(double halfSumEta, int steps, Consumer<Step> observer, Consumer<CpModel> beforeEachStep) {
        double eta = halfSumEta * OBSERVED / 2;
        try (OptimizerState gd = Optimizer.gradientDescent(eta).start(model.parameters().size())) {
            double[] before = new double[RANK];
            for (int t = 0; t < steps; t++) {
                if (beforeEachStep != null) {
                    beforeEachStep.accept(model);
                }
                model.lossAndGradient(batch);
                model.componentNorms(before);
                double[] projections = observer == null ? null : projections();
                gd.step(model.parameters().values(), model.parameters().gradients());
                if (observer != null) {
                    double[] after = new double[RANK];
                    model.componentNorms(after);
                    observer.accept(new Step(t, before.clone(), after, projections, eta));
                }
            }
        }
    }

    /** ⟨−∇ℓ(W), Ŵ_r⟩ for every r, with ∇ℓ(W) = (2/m) P_Ω(W − Y) read from the batch's residual. */
    private double[] projections() {
        double[] out = new double[RANK];
        double[][] unit = new double[3][];
        for (int r = 0; r < RANK; r++) {
            for (int n = 0; n < 3; n++) {
                Factor factor = model.factors().get(n);
                unit[n] = new double[factor.rows()];
                double norm = 0;
                for (int i = 0; i < factor.rows(); i++) {
                    unit[n][i] = factor.matrix().get(i, r);
                    norm += unit[n][i] * unit[n][i];
                }
                for (int i = 0; i < factor.rows(); i++) {
                    unit[n][i] /= Math.sqrt(norm);
                }
            }
            double sum = 0;
            for (int e = 0; e < OBSERVED; e++) {
                sum -= batch.residual().getFlat(e) * unit[0][at.index(e, 0)] * unit[1][at.index(e, 1)] * unit[2][at.index(e, 2)];
            }
            out[r] = sum;
        }
        return out;
    }

    @Override
    public void close() {
        batch.close();
        model.close();
        at.close();
        targets.close();
    }
}
