package deeptensor.internal.model;

import deeptensor.model.CP;
import deeptensor.model.ModelSpec;
import deeptensor.model.Tucker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sampled and dense evaluation give the same predictions, loss and gradients. The sampled path is
 * the kernels' definition of each model, so this also checks the dense reconstructions and the
 * dense gradients written in this package.
 */
class EvaluationAgreementTest {

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int depth = 1; depth <= 3; depth++) {
            for (int order = 2; order <= 4; order++) {
                for (ModelSpec spec : Fixtures.specs(depth)) {
                    cases.add(Arguments.of(spec, order));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, order {1}")
    @MethodSource("cases")
    void sampledAndDenseAgree(ModelSpec spec, int order) {
        SplittableRandom random = new SplittableRandom(order * 977L + spec.toString().hashCode());
        Shape shape = Fixtures.shape(random, order, 2, 4);
        int m = Math.max(1, (int) (shape.size() * 0.4));
        try (Model model = Models.build(spec, shape);
             Coordinates at = Fixtures.coordinates(random, shape, m);
             Tensor targets = Fixtures.gaussian(random, m, 1.0);
             Batch batch = new Batch(at, targets)) {
            Fixtures.randomize(model, random, 0.6);
            model.evaluation(Evaluation.SAMPLED);
            double sampledLoss = model.lossAndGradient(batch);
            double[] sampledPredictions = batch.predictions().toArray();
            double[] sampledGradient = model.parameters().gradients().toArray();
            model.evaluation(Evaluation.DENSE);
            double denseLoss = model.lossAndGradient(batch);
            double[] densePredictions = batch.predictions().toArray();
            double[] denseGradient = model.parameters().gradients().toArray();
            assertEquals(sampledLoss, denseLoss, 1e-12 * Math.abs(sampledLoss), model.describe());
            assertClose(sampledPredictions, densePredictions, model.describe() + " predictions");
            assertClose(sampledGradient, denseGradient, model.describe() + " gradient");
        }
    }

    @Test
    void reconstructionMatchesEvaluationEverywhere() {
        SplittableRandom random = new SplittableRandom(5);
        Shape shape = Shape.of(3, 4, 2);
        for (ModelSpec spec : Fixtures.specs(2)) {
            try (Model model = Models.build(spec, shape);
                 Tensor dense = Tensor.zeros(shape);
                 Tensor values = Tensor.zeros((int) shape.size());
                 Coordinates all = Fixtures.coordinates(random, shape, (int) shape.size())) {
                Fixtures.randomize(model, random, 0.8);
                model.reconstruct(dense);
                model.evaluate(all, values);
                for (int e = 0; e < all.count(); e++) {
                    assertEquals(dense.getFlat(all.offset(e)), values.getFlat(e), 1e-12, model.describe());
                }
            }
        }
    }

    @Test
    void costEstimatePicksTheMeasuredFasterPath() {
        try (Model tucker = Models.build(Tucker.deep(2), Shape.of(25, 25, 25)); Model cp = Models.build(CP.deep(2).rank(10), Shape.of(25, 25, 25))) {
            assertTrue(tucker.usesDense(10_937), "70% of 25³ observed: a dense Tucker step is far cheaper");
            // Not asserted: with 20 observations the same Tucker model measured 0.68 ms sampled against
            // 0.83 ms dense (the chains dominate both), and the estimate picks dense — a known 20 % miss.
            // Measured (TrainingStepBench, Zen 5, one thread): CP 25³ rank 10 depth 2 at 70 % observed,
            // dense 0.34 ms a step, sampled 1.26 ms; deep CP 100³ rank 50 at 1 %, dense 30.5 ms, sampled 19.3 ms.
            assertTrue(cp.usesDense(10_937), "CP at 70 % observed: the dense step is faster");
        }
        try (Model sparse = Models.build(CP.deep(3).rank(50), Shape.of(100, 100, 100))) {
            assertFalse(sparse.usesDense(10_000), "CP at 1 % observed: the sampled step is faster");
        }
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-12 * Math.max(scale, 1e-300), what + " [" + i + "]");
        }
    }
}
