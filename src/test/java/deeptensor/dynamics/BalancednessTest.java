package deeptensor.dynamics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.model.CpModel;
import deeptensor.model.Factor;
import deeptensor.model.FactorForm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conservation of balancedness under small-step gradient descent (Arora et al., NeurIPS 2019; experiment E2): for every chain
 * and consecutive links, {@code D_l = A_{l+1}ᵀA_{l+1} − A_l A_lᵀ} is constant under gradient flow; GD
 * breaks it by O(η²) per step, so over a fixed time horizon the drift is O(η). Started exactly
 * balanced ({@code D_l = 0}), the drift (largest {@code ‖D_l‖_F} over chains, links and checkpoints),
 * relative to the initial squared link norm, must stay below 1e-3 and halve when the step halves at
 * the same horizon; and the chains must have moved far enough (more than 5 % of their size) for the
 * check to mean something.
 */
class BalancednessTest {

    /**
     * ½Σ convention (see DeepCpTrajectory). The horizon η·steps = 100 includes the growth phase of the
     * leading components, where most of the drift accrues; the coarse run (η = 1e-2, E2's largest
     * step, 10⁴ steps) covers the same horizon.
     */
    private static final double ETA = 5e-3;
    private static final int STEPS = 20_000;
    /**
     * Link norms: a column-chain link is rank one (its one singular value is the norm); a shared-chain
     * link spreads its norm over k = 4 directions, so it needs twice the norm for singular values of 0.6.
     */
    private static double linkScale(String form) {
        return form.equals("column") ? 0.6 : 1.2;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"column", "shared"})
    void balanceDriftIsSmallAndFirstOrderInTheStep(String form) {
        double fine = maxDrift(form, ETA, STEPS);
        double coarse = maxDrift(form, 2 * ETA, STEPS / 2);
        double scale = linkScale(form) * linkScale(form);
        assertTrue(fine / scale < 1e-3, form + " chains: balance drift " + fine / scale + " of the squared link norm");
        double ratio = coarse / fine;
        assertTrue(ratio > 1.6 && ratio < 2.5, form + " chains: halving η should halve the drift; ratio " + ratio
                + " (" + coarse + " → " + fine + ")");
    }

    /** The largest ‖D_l(t)‖_F over chains, links and checkpoints (every 500 steps and at the end). */
    private static double maxDrift(String form, double eta, int steps) {
        FactorForm chain = form.equals("column") ? FactorForm.columnChains(3) : FactorForm.sharedChain(3);
        double[] worst = {0};
        try (DeepCpTrajectory trajectory = new DeepCpTrajectory(chain, linkScale(form))) {
            double[] start = trajectory.model.parameters().values().toArray();
            int every = Math.max(1, steps / 20);
            long[] counter = {0};
            trajectory.run(eta, steps, null, model -> {
                if (counter[0]++ % every == 0) {
                    worst[0] = Math.max(worst[0], imbalance(model));
                }
            });
            worst[0] = Math.max(worst[0], imbalance(trajectory.model));
            double[] end = trajectory.model.parameters().values().toArray();
            double moved = 0, size = 0;
            for (int i = 0; i < start.length; i++) {
                moved += (end[i] - start[i]) * (end[i] - start[i]);
                size += start[i] * start[i];
            }
            // Not vacuous: the chains travelled a good part of their own size.
            assertTrue(Math.sqrt(moved / size) > 0.05, form + " chains barely moved: " + Math.sqrt(moved / size));
        }
        return worst[0];
    }

    private static double imbalance(CpModel model) {
        double worst = 0;
        for (Factor factor : model.factors()) {
            for (int c = 0; c < factor.chains(); c++) {
                for (int l = 0; l + 1 < factor.depth(); l++) {
                    int size = factor.linkRows(l);
                    double sum = 0;
                    for (int i = 0; i < size; i++) {
                        for (int j = 0; j < size; j++) {
                            double upper = 0, lower = 0;
                            for (int k = 0; k < factor.linkRows(l + 1); k++) {
                                upper += factor.get(c, l + 1, k, i) * factor.get(c, l + 1, k, j);
                            }
                            for (int k = 0; k < factor.linkCols(l); k++) {
                                lower += factor.get(c, l, i, k) * factor.get(c, l, j, k);
                            }
                            sum += (upper - lower) * (upper - lower);
                        }
                    }
                    worst = Math.max(worst, Math.sqrt(sum));
                }
            }
        }
        return worst;
    }
}
