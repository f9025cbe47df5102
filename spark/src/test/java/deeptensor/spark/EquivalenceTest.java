package deeptensor.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.Completion;
import deeptensor.CompletionModel;
import deeptensor.CompletionResult;
import deeptensor.model.CP;
import deeptensor.model.ModelSpec;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * On the same observations and seed, a full-batch Spark fit and the library's local fit
 * ({@code Completion.of(…).model(spec).fit()}) give the same model after the same number of steps,
 * to 1e-12 relative on the predictions (observed entries and unobserved ones).
 */
class EquivalenceTest {

    static final int[] DIMS = {200, 150, 100};

    @Test
    void cpWithAdamFromTheDefaultInitialization() {
        compare(CP.shallow().rank(4), 3e-3, 1e-8, 120);
    }

    @Test
    void cpWithAdamFromALargerStart() {
        compare(CP.shallow().rank(4), 1e-2, 1e-1, 150);
    }

    @Test
    void deepTuckerWithGradientDescent() {
        compare(Tucker.deep(2).ranks(3, 3, 3), 1e-2, 1e-1, 60);
    }

    @Test
    void tensorTrainWithGroupRmsProp() {
        compare(TensorTrain.shallow().ranks(1, 3, 3, 1), 1e-2, 1e-1, 60);
    }

    static void compare(ModelSpec spec, double learningRate, double initScale, int steps) {
        SyntheticTensor tensor = new SyntheticTensor(DIMS, 3, 5000, 0.1, 42);
        int m = (int) tensor.entries();
        int[] flat = new int[m * 3];
        double[] values = new double[m];
        tensor.fill(0, m, tensor.factors(), flat, values);
        for (int e = 0; e < m; e++) {
            values[e] = 3 + 2 * values[e]; // not already on the RMS-1 scale: the scaling must match too
        }
        Shape shape = Shape.of(DIMS);
        try (Coordinates at = Coordinates.of(shape, flat);
             Tensor y = Tensor.of(values, m);
             Observations known = Observations.of(at, y);
             CompletionResult local = Completion.of(known).model(spec).seed(11).learningRate(learningRate).initScale(initScale)
                     .maxSteps(steps).validationFraction(0).fit()) {
            Dataset<Row> observed = TestSpark.dataset(tensor, flat, values);
            try (SparkCompletionResult spark = SparkCompletion.of(observed, DIMS).model(spec).seed(11).learningRate(learningRate)
                    .initScale(initScale).maxSteps(steps).validationFraction(0).partitions(3).fit()) {
                assertEquals(steps, spark.report().steps());
                assertEquals(local.report().steps(), spark.report().steps());
                double observedError = relativeDifference(local.model(), spark.model(), at);
                double unobservedError;
                try (Coordinates elsewhere = randomEntries(shape, 3000, 5)) {
                    unobservedError = relativeDifference(local.model(), spark.model(), elsewhere);
                }
                System.out.printf("%s, Adam lr %.0e, init %.0e, %d steps: relative difference %.3e (observed), %.3e (elsewhere); "
                        + "Spark training RMSE %.6g%n", spec, learningRate, initScale, steps, observedError, unobservedError,
                        spark.report().trainRmse());
                assertTrue(observedError <= 1e-12, "observed entries differ by " + observedError);
                assertTrue(unobservedError <= 1e-12, "unobserved entries differ by " + unobservedError);
            }
        }
    }

    static double relativeDifference(CompletionModel a, CompletionModel b, Coordinates at) {
        try (Tensor pa = Tensor.zeros(at.count()); Tensor pb = Tensor.zeros(at.count())) {
            a.predict(at, pa);
            b.predict(at, pb);
            double diff = 0, norm = 0;
            for (int e = 0; e < at.count(); e++) {
                double d = pa.getFlat(e) - pb.getFlat(e);
                diff += d * d;
                norm += pa.getFlat(e) * pa.getFlat(e);
            }
            return Math.sqrt(diff / norm);
        }
    }

    static Coordinates randomEntries(Shape shape, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] flat = new int[count * shape.order()];
        for (int e = 0; e < count; e++) {
            for (int n = 0; n < shape.order(); n++) {
                flat[e * shape.order() + n] = random.nextInt(shape.dim(n));
            }
        }
        return Coordinates.of(shape, flat);
    }
}
