package deeptensor.internal.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import deeptensor.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The first two updates of each optimizer against values worked out by hand from the update rules
 * of the papers' published code (the decimal expansions were evaluated with a calculator; the formulas are in the
 * comments so each number can be re-derived).
 */
class OptimizerTest {

    private static final double TOLERANCE = 1e-15;

    @Test
    void gradientDescentSubtractsTheScaledGradient() {
        // θ = (1, −2), g = (0.5, 0.25), lr = 0.1: θ − lr·g = (1 − 0.05, −2 − 0.025) = (0.95, −2.025).
        // Second step with g = (−1, 0): (0.95 + 0.1, −2.025) = (1.05, −2.025).
        double[] after = run(Optimizer.gradientDescent(0.1), new double[] {1, -2}, new double[] {0.5, 0.25}, new double[] {-1, 0});
        assertArrayEquals(new double[] {1.05, -2.025}, after, TOLERANCE);
    }

    @Test
    void groupRmsPropUsesOneBiasCorrectedGlobalScale() {
        // lr = 0.01, α = 0.99, ε = 1e-6, θ = (1, 1).
        // Step 1, g = (3, 4): Σg² = 25; s₁ = (1 − 0.99)·25 = 0.25; bias-corrected s₁/(1 − 0.99) = 25; √ = 5;
        //   η₁ = 0.01 / (5 + 1e-6) = 0.0019999996000000806...; θ = (1 − 3η₁, 1 − 4η₁)
        //   = (0.9940000011999998, 0.9920000015999997).
        // Step 2, g = (0, 1): Σg² = 1; s₂ = 0.99·0.25 + 0.01·1 = 0.2575; s₂/(1 − 0.99²) = 0.2575/0.0199
        //   = 12.939698492462...; √ = 3.5971792...; η₂ = 0.01/(3.5971792... + 1e-6) = 0.0027799552232043...;
        //   θ = (0.9940000011999998, 0.9920000015999997 − η₂) = (0.9940000011999998, 0.9892200463767953).
        double[] after = run(Optimizer.groupRmsProp(0.01), new double[] {1, 1}, new double[] {3, 4}, new double[] {0, 1});
        assertArrayEquals(new double[] {0.9940000011999998, 0.9892200463767953}, after, TOLERANCE);
    }

    @Test
    void adamFollowsKerasBiasCorrectionAndEpsilonHat() {
        // lr = 1e-3, β1 = 0.9, β2 = 0.999, ε = 1e-7, θ = (1, −1).
        // Step 1, g = (0.5, −2): m = 0.1·g = (0.05, −0.2); v = 0.001·g² = (0.00025, 0.004);
        //   lr₁ = 1e-3·√(1 − 0.999)/(1 − 0.9) = 3.1622776601683816e-4;
        //   update = lr₁·m/(√v + ε): √v = (0.0158113883..., 0.0632455532...),
        //   = (9.999936754846801e-4, −9.999984188636707e-4); θ = (0.9990000063245154, −0.9990000015811363).
        // Step 2, g = (0.5, 0): m = (0.9·0.05 + 0.1·0.5, 0.9·(−0.2)) = (0.095, −0.18);
        //   v = (0.999·0.00025 + 0.001·0.25, 0.999·0.004) = (4.9975e-4, 0.003996);
        //   lr₂ = 1e-3·√(1 − 0.999²)/(1 − 0.9²) = 2.3531672532745276e-4;
        //   update = (9.999955267655947e-4, −6.700571941529667e-4);
        //   θ = (0.9980000107977498, −0.9983299443869834).
        double[] after = run(Optimizer.adam(1e-3), new double[] {1, -1}, new double[] {0.5, -2}, new double[] {0.5, 0});
        assertArrayEquals(new double[] {0.9980000107977498, -0.9983299443869834}, after, TOLERANCE);
    }

    @Test
    void aCopiedStateContinuesExactlyLikeTheOriginal() {
        for (Optimizer optimizer : new Optimizer[] {Optimizer.adam(0.01), Optimizer.groupRmsProp(0.01), Optimizer.gradientDescent(0.1)}) {
            try (Tensor values = Tensor.of(new double[] {1, 2}, 2);
                 Tensor gradient = Tensor.of(new double[] {0.3, -0.1}, 2);
                 Tensor nextGradient = Tensor.of(new double[] {-0.7, 0.2}, 2);
                 OptimizerState original = OptimizerState.start(optimizer, 2);
                 OptimizerState copy = OptimizerState.start(optimizer, 2)) {
                original.step(values, gradient);
                original.copyTo(copy);
                try (Tensor copiedValues = values.copy()) {
                    original.step(values, nextGradient);
                    copy.step(copiedValues, nextGradient);
                    assertArrayEquals(values.toArray(), copiedValues.toArray(), 0.0, optimizer.toString());
                    assertEquals(2, copy.step());
                }
            }
        }
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Optimizer.adam(0));
        assertThrows(IllegalArgumentException.class, () -> Optimizer.gradientDescent(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Optimizer.GroupRmsProp(0.1, 1.0, 1e-6));
        try (OptimizerState state = OptimizerState.start(Optimizer.adam(0.1), 3); Tensor two = Tensor.zeros(2)) {
            assertThrows(IllegalArgumentException.class, () -> state.step(two, two));
        }
    }

    private static double[] run(Optimizer optimizer, double[] start, double[]... gradients) {
        try (Tensor values = Tensor.of(start, start.length); OptimizerState state = OptimizerState.start(optimizer, start.length)) {
            for (double[] g : gradients) {
                try (Tensor gradient = Tensor.of(g, g.length)) {
                    state.step(values, gradient);
                }
            }
            assertEquals(gradients.length, state.step());
            return values.toArray();
        }
    }
}
