package deeptensor.internal.model;

import deeptensor.model.CP;
import deeptensor.model.FactorForm;
import deeptensor.model.ModelSpec;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.testing.Properties;
import deeptensor.testing.Shapes;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Every model × factor form × depth 1–3 × order 2–5, with ranks and chain widths drawn at random
 * (not only the defaults: unequal tensor-train bonds, Tucker cores smaller or larger than the modes,
 * explicit widths), against {@link Oracle}: reconstruction, evaluation, predictions, loss, the
 * residual left in the batch and the whole gradient (central differences of the oracle's loss, on
 * every parameter), in each evaluation mode, on a model reused across steps with changing batches.
 */
class ModelOracleProperties {

    /** Orders 2–5, modes of 1–3, at most 54 entries. */
    private static final Gen<int[]> SHAPES = Shapes.shapes(2, 5, 3, 54);
    /** 0 CP, 1 Tucker, 2 tensor train. */
    private static final Gen<Integer> KINDS = integers().between(0, 2);
    /** Form (direct, shared chain, column chains) and depth 1–3, as {@code 3·(depth−1) + form}. */
    private static final Gen<Integer> FORMS = integers().between(0, 8);
    private static final Gen<Long> SEEDS = longs().all();

    /** A model drawn from the generators' values (ranks and width from the seed). */
    record Case(int[] dims, int kind, int formAndDepth, long seed) {
        Shape shape() {
            return Shape.of(dims);
        }

        FactorForm form() {
            SplittableRandom random = new SplittableRandom(seed);
            int depth = 1 + formAndDepth / 3;
            int width = random.nextInt(3) == 0 ? 0 : random.nextInt(1, 4);
            return switch (formAndDepth % 3) {
                case 0 -> FactorForm.direct();
                case 1 -> FactorForm.sharedChain(depth).withWidth(width);
                default -> FactorForm.columnChains(depth).withWidth(width);
            };
        }

        ModelSpec spec() {
            SplittableRandom random = new SplittableRandom(seed + 1);
            int order = dims.length;
            return switch (kind) {
                case 0 -> CP.shallow().factorForm(form()).rank(random.nextInt(1, 4));
                case 1 -> {
                    int[] ranks = new int[order];
                    for (int n = 0; n < order; n++) {
                        ranks[n] = random.nextInt(1, dims[n] + 2);
                    }
                    // Keep the core (and the oracle's work) small: at most 32 entries.
                    while (Shapes.product(ranks) > 32) {
                        int largest = 0;
                        for (int n = 1; n < order; n++) {
                            largest = ranks[n] > ranks[largest] ? n : largest;
                        }
                        ranks[largest]--;
                    }
                    yield Tucker.shallow().factorForm(form()).ranks(ranks);
                }
                default -> {
                    int[] ranks = new int[order + 1];
                    ranks[0] = 1;
                    ranks[order] = 1;
                    for (int k = 1; k < order; k++) {
                        ranks[k] = random.nextInt(1, 4);
                    }
                    yield TensorTrain.shallow().factorForm(form()).ranks(ranks);
                }
            };
        }

        @Override
        public String toString() {
            return spec() + " on " + shape();
        }
    }

    private static Case newCase(int[] dims, int kind, int formAndDepth, long seed) {
        return new Case(dims, kind, formAndDepth, seed);
    }

    private static void randomize(Model model, SplittableRandom random) {
        Fixtures.randomize(model, random, 0.8);
    }

    /** Tolerance relative to the magnitude of the terms (see deeptensor.testing.Close). */
    private static void assertNear(double expected, double actual, double magnitude, String what) {
        if (!(Math.abs(expected - actual) <= 1e-11 * magnitude + 1e-300)) {
            fail(what + ": " + actual + ", expected " + expected + " (magnitude " + magnitude + ")");
        }
    }

    @Test
    void reconstructionAndEvaluationFollowTheDefinition() {
        Properties.qt(150).forAll(SHAPES, KINDS, FORMS, SEEDS).checkAssert((dims, kind, form, seed) -> {
            Case c = newCase(dims, kind, form, seed);
            SplittableRandom random = new SplittableRandom(seed);
            Shape shape = c.shape();
            try (Model model = Models.build(c.spec(), shape);
                 Tensor dense = Tensor.zeros(shape);
                 Coordinates at = Fixtures.coordinates(random, shape, random.nextInt(1, (int) shape.size() + 1));
                 Tensor values = Tensor.zeros(at.count())) {
                // Twice each, with new parameters before every call: each must run the factors' forward
                // pass itself and keep nothing of the call before.
                for (int round = 0; round < 2; round++) {
                    randomize(model, random);
                    values.fill(Double.NaN);
                    model.evaluate(at, values);
                    Oracle.Snapshot oracle = new Oracle.Snapshot(model, false), magnitude = new Oracle.Snapshot(model, true);
                    double[] expectedAt = oracle.at(at), scaleAt = magnitude.at(at);
                    for (int e = 0; e < at.count(); e++) {
                        assertNear(expectedAt[e], values.getFlat(e), scaleAt[e], c + ": evaluation at " + at.offset(e));
                    }
                    randomize(model, random);
                    dense.fill(Double.NaN);
                    model.reconstruct(dense);
                    oracle = new Oracle.Snapshot(model, false);
                    magnitude = new Oracle.Snapshot(model, true);
                    double[] expected = oracle.dense(), scale = magnitude.dense();
                    for (int i = 0; i < expected.length; i++) {
                        assertNear(expected[i], dense.getFlat(i), scale[i], c + ": reconstruction, entry " + i);
                    }
                }
            }
        });
    }

    @Test
    void lossGradientAndBatchBuffersFollowTheDefinitionInEveryEvaluationMode() {
        Properties.qt(120).forAll(SHAPES, KINDS, FORMS, SEEDS).checkAssert((dims, kind, form, seed) -> {
            Case c = newCase(dims, kind, form, seed);
            SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
            Shape shape = c.shape();
            Evaluation[] modes = {Evaluation.SAMPLED, Evaluation.DENSE, Evaluation.AUTO};
            Evaluation first = modes[random.nextInt(3)];
            try (Model model = Models.build(c.spec(), shape)) {
                // Two steps on the same model, each with its own batch and parameters, in two modes:
                // what the first step left in the model's buffers must not leak into the second.
                for (Evaluation evaluation : new Evaluation[] {first, modes[random.nextInt(3)]}) {
                    int m = random.nextInt(1, (int) shape.size() + 1);
                    try (Coordinates at = Fixtures.coordinates(random, shape, m);
                         Tensor targets = Fixtures.gaussian(random, m, 1.0);
                         Batch batch = new Batch(at, targets)) {
                        randomize(model, random);
                        model.parameters().gradients().fill(7.0);
                        model.evaluation(evaluation);
                        String what = c + " (" + evaluation + ", " + m + " of " + shape.size() + " entries)";
                        double loss = model.lossAndGradient(batch);
                        checkStep(model, batch, loss, what);
                        assertEquals(loss, model.loss(batch), 1e-12 * loss, what + ": loss() after lossAndGradient");
                    }
                }
            }
        });
    }

    /** The loss, the batch's predictions and residual, and every gradient entry against the oracle. */
    static void checkStep(Model model, Batch batch, double loss, String what) {
        Coordinates at = batch.coordinates();
        Tensor targets = batch.targets();
        int m = batch.size();
        Oracle.Snapshot oracle = new Oracle.Snapshot(model, false), magnitude = new Oracle.Snapshot(model, true);
        double[] w = oracle.at(at), scale = magnitude.at(at);
        double expectedLoss = 0, lossScale = 0;
        for (int e = 0; e < m; e++) {
            double y = targets.getFlat(e);
            assertNear(w[e], batch.predictions().getFlat(e), scale[e], what + ": prediction " + e);
            double diff = w[e] - y;
            expectedLoss += diff * diff;
            lossScale += (scale[e] + Math.abs(y)) * (scale[e] + Math.abs(y));
            assertNear(2.0 / m * diff, batch.residual().getFlat(e), 2.0 / m * (scale[e] + Math.abs(y)), what + ": residual " + e);
        }
        assertNear(expectedLoss / m, loss, 4 * lossScale / m, what + ": loss");
        double[] expected = Oracle.gradient(model, at, targets, 0.5);
        double[] actual = model.parameters().gradients().toArray();
        double largest = 0;
        for (double g : expected) {
            largest = Math.max(largest, Math.abs(g));
        }
        double tolerance = 1e-9 * Math.max(largest, lossScale / m);
        for (int p = 0; p < expected.length; p++) {
            if (!(Math.abs(expected[p] - actual[p]) <= tolerance)) {
                fail(what + ": gradient of parameter " + p + " (" + blockOf(model, p) + ") is " + actual[p] + ", central differences "
                        + expected[p] + " (tolerance " + tolerance + ")");
            }
        }
    }

    private static String blockOf(Model model, int p) {
        for (Parameters.Block block : model.parameters().blocks()) {
            if (p >= block.offset() && p < block.offset() + block.size()) {
                return block + " entry " + (p - block.offset());
            }
        }
        return "no block";
    }

    /**
     * Under {@link Evaluation#AUTO} a batch is evaluated densely exactly when the dense estimate is
     * below the sampled one, for any sequence of batch sizes (the decision is cached per size); the
     * forced modes ignore the estimates.
     */
    @Test
    void autoPicksTheCheaperEstimateForEveryBatchSize() {
        Properties.qt(60).forAll(SHAPES, KINDS, FORMS, SEEDS).checkAssert((dims, kind, form, seed) -> {
            Case c = newCase(dims, kind, form, seed);
            SplittableRandom random = new SplittableRandom(seed);
            try (Model model = Models.build(c.spec(), c.shape())) {
                int[] sizes = random.ints(12, 1, 2 * (int) c.shape().size() + 2).toArray();
                sizes[3] = sizes[2]; // a repeated size: the cached decision
                for (int m : sizes) {
                    assertEquals(model.denseWork(m) < model.sampledWork(m), model.usesDense(m), c + ", AUTO, " + m + " entries");
                    assertEquals(false, model.evaluation(Evaluation.SAMPLED).usesDense(m), c + ", SAMPLED");
                    assertEquals(true, model.evaluation(Evaluation.DENSE).usesDense(m), c + ", DENSE");
                    model.evaluation(Evaluation.AUTO);
                }
                assertTrue(Arrays.stream(sizes).allMatch(m -> model.sampledCost(m) > 0 && model.denseCost(m) > 0),
                        c + ": cost estimates are positive");
            }
        });
    }
}
