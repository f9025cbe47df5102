package deeptensor.internal.model;

import deeptensor.model.ModelSpec;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hand-derived gradient of every model × factor form × depth 1–4 × order 2–4 against central
 * finite differences of the loss, on tiny random shapes, random parameters and random observed sets,
 * in both evaluation modes.
 */
class GradientProperties {

    /** Finite-difference step: truncation error ~h²·ℓ''' and rounding ~ε·ℓ/h are both far below 1e-6 here. */
    private static final double STEP = 1e-5;
    /** At most this many parameters are probed per case (chosen at random), to keep the suite fast. */
    private static final int PROBES = 120;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int depth = 1; depth <= 4; depth++) {
            for (int order = 2; order <= 4; order++) {
                for (ModelSpec spec : Fixtures.specs(depth)) {
                    for (Evaluation evaluation : new Evaluation[] {Evaluation.SAMPLED, Evaluation.DENSE}) {
                        cases.add(Arguments.of(spec, order, evaluation));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, order {1}, {2}")
    @MethodSource("cases")
    void gradientMatchesCentralDifferences(ModelSpec spec, int order, Evaluation evaluation) {
        SplittableRandom random = new SplittableRandom(31L * order + spec.toString().hashCode() + evaluation.ordinal());
        check(spec, Fixtures.shape(random, order, 2, 3), evaluation, random, 0.7, 0.6, STEP);
    }

    static Stream<Arguments> wideCases() {
        List<Arguments> cases = new ArrayList<>();
        for (int depth = 1; depth <= 3; depth++) {
            for (ModelSpec spec : Fixtures.specs(depth)) {
                for (Evaluation evaluation : new Evaluation[] {Evaluation.SAMPLED, Evaluation.DENSE}) {
                    cases.add(Arguments.of(spec, evaluation));
                }
            }
        }
        return cases.stream();
    }

    /**
     * Modes of 9–11 and the default (large) ranks, so that the backward pass runs the SIMD kernels'
     * full-vector loops and not only their scalar tails, as the tiny shapes above mostly do.
     */
    @ParameterizedTest(name = "wide {0}, {1}")
    @MethodSource("wideCases")
    void gradientMatchesCentralDifferencesOnWideShapes(ModelSpec spec, Evaluation evaluation) {
        SplittableRandom random = new SplittableRandom(97L + spec.toString().hashCode() + evaluation.ordinal());
        // Every model is linear in each single parameter, so the loss is exactly quadratic along one
        // coordinate and central differences have no truncation error: a large step only shrinks the
        // rounding error (ε·ℓ/h), which matters here because deep wide models start with small gradients.
        check(spec, Fixtures.shape(random, 3, 9, 11), evaluation, random, 0.25, 0.3, 1e-2);
    }

    private static void check(ModelSpec spec, Shape shape, Evaluation evaluation, SplittableRandom random, double std,
                              double observedShare, double step) {
        int m = Math.max(1, (int) (shape.size() * observedShare));
        try (Model model = Models.build(spec, shape);
             Coordinates at = Fixtures.coordinates(random, shape, m);
             Tensor targets = Fixtures.gaussian(random, m, 1.0);
             Batch batch = new Batch(at, targets)) {
            model.evaluation(evaluation);
            Fixtures.randomize(model, random, std);
            model.lossAndGradient(batch);
            double[] analytic = model.parameters().gradients().toArray();
            Tensor values = model.parameters().values();
            int[] probes = probes(random, analytic.length);
            double worst = 0, largest = 0;
            for (int p : probes) {
                double saved = values.getFlat(p);
                values.setFlat(p, saved + step);
                double plus = model.loss(batch);
                values.setFlat(p, saved - step);
                double minus = model.loss(batch);
                values.setFlat(p, saved);
                double numeric = (plus - minus) / (2 * step);
                worst = Math.max(worst, Math.abs(numeric - analytic[p]));
                largest = Math.max(largest, Math.max(Math.abs(numeric), Math.abs(analytic[p])));
            }
            assertTrue(largest > 0, model.describe() + ": every probed gradient is zero, the check would be vacuous");
            double relative = worst / largest;
            assertTrue(relative < 1e-6, model.describe() + " (" + evaluation + "): gradient differs from central differences by "
                    + relative + " relative (max abs diff " + worst + ", max |g| " + largest + ")");
        }
    }

    private static int[] probes(SplittableRandom random, int size) {
        if (size <= PROBES) {
            int[] all = new int[size];
            for (int i = 0; i < size; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] chosen = new int[PROBES];
        for (int i = 0; i < PROBES; i++) {
            chosen[i] = random.nextInt(size);
        }
        return chosen;
    }
}
