package deeptensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.internal.metrics.CompletionErrors;
import deeptensor.model.CP;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CompletionTest {

    /** A tensor of multilinear rank (r, r, r) (Gaussian core and factors, RMS entry 1) and a uniform share of it observed. */
    private record Problem(Tensor truth, Coordinates at, Tensor values) implements AutoCloseable {
        static Problem tucker(int size, int rank, double fraction, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            double[][][] u = new double[3][size][rank];
            for (double[][] factor : u) {
                for (double[] row : factor) {
                    for (int j = 0; j < rank; j++) {
                        row[j] = random.nextGaussian();
                    }
                }
            }
            double[] core = new double[rank * rank * rank];
            for (int i = 0; i < core.length; i++) {
                core[i] = random.nextGaussian();
            }
            Tensor truth = Tensor.zeros(size, size, size);
            double sumSquares = 0;
            for (int a = 0; a < size; a++) {
                for (int b = 0; b < size; b++) {
                    for (int c = 0; c < size; c++) {
                        double v = 0;
                        for (int i = 0; i < rank; i++) {
                            for (int j = 0; j < rank; j++) {
                                for (int k = 0; k < rank; k++) {
                                    v += core[(i * rank + j) * rank + k] * u[0][a][i] * u[1][b][j] * u[2][c][k];
                                }
                            }
                        }
                        truth.set(v, a, b, c);
                        sumSquares += v * v;
                    }
                }
            }
            double scale = Math.sqrt(sumSquares / truth.size());
            java.util.List<Long> observed = new java.util.ArrayList<>();
            for (long i = 0; i < truth.size(); i++) {
                truth.setFlat(i, truth.getFlat(i) / scale);
                if (random.nextDouble() < fraction) {
                    observed.add(i);
                }
            }
            long[] offsets = observed.stream().mapToLong(Long::longValue).toArray();
            Tensor values = Tensor.zeros(offsets.length);
            for (int e = 0; e < offsets.length; e++) {
                values.setFlat(e, truth.getFlat(offsets[e]));
            }
            return new Problem(truth, Coordinates.ofOffsets(truth.shape(), offsets), values);
        }

        @Override
        public void close() {
            truth.close();
            at.close();
            values.close();
        }
    }

    @Test
    void theDefaultsRecoverALowRankTensorAndFindItsRanks() {
        try (Problem problem = Problem.tucker(10, 2, 0.35, 1);
             CompletionResult result = Completion.of(problem.at(), problem.values()).seed(3).fit()) {
            CompletionErrors errors = CompletionErrors.of(result.completed(), problem.truth(), problem.at());
            assertTrue(errors.relativeUnobserved() < 0.05, "unobserved relative error " + errors.relativeUnobserved() + "\n" + result.report());
            assertArrayEquals(new int[] {2, 2, 2}, result.report().modeRanks(), result.report().toString());
        }
    }

    @Test
    void everyModelCompletesThroughTheSameCall() {
        try (Problem problem = Problem.tucker(8, 1, 0.4, 2)) {
            for (var spec : new deeptensor.model.ModelSpec[] {CP.deep(2).rank(8), Tucker.shallow(), TensorTrain.deep(2)}) {
                try (CompletionResult result = Completion.of(problem.at(), problem.values()).model(spec).seed(1).fit()) {
                    CompletionErrors errors = CompletionErrors.of(result.completed(), problem.truth(), problem.at());
                    assertTrue(errors.relativeUnobserved() < 0.1, spec + ": unobserved relative error " + errors.relativeUnobserved()
                            + "\n" + result.report());
                }
            }
        }
    }

    @Test
    void observationsGiveTheSameResultAsTheirCoordinatesAndValues() {
        try (Problem problem = Problem.tucker(6, 2, 0.5, 4);
             deeptensor.tensor.Observations observed = deeptensor.tensor.Observations.of(problem.at().shape(),
                     flatIndexes(problem.at()), problem.values().toArray());
             CompletionResult direct = Completion.of(problem.at(), problem.values()).seed(5).maxSteps(100).fit();
             CompletionResult viaObservations = Completion.of(observed).seed(5).maxSteps(100).fit()) {
            assertArrayEquals(direct.completed().toArray(), viaObservations.completed().toArray(), 0.0);
        }
    }

    private static int[] flatIndexes(deeptensor.tensor.Coordinates at) {
        int[] flat = new int[at.count() * at.shape().order()];
        for (int e = 0; e < at.count(); e++) {
            for (int n = 0; n < at.shape().order(); n++) {
                flat[e * at.shape().order() + n] = at.index(e, n);
            }
        }
        return flat;
    }

    @Test
    void theSameSeedGivesTheSameTensorAndTheUnitsDoNotMatter() {
        // The default scales the data to RMS 1 before fitting. A power-of-two change of units scales
        // every value exactly, so the fit sees bit-identical numbers and the result is exactly scaled.
        try (Problem problem = Problem.tucker(6, 2, 0.5, 4); Tensor scaled = problem.values().copy()) {
            for (long e = 0; e < scaled.size(); e++) {
                scaled.setFlat(e, 1024 * scaled.getFlat(e));
            }
            try (CompletionResult first = Completion.of(problem.at(), problem.values()).seed(5).maxSteps(300).fit();
                 CompletionResult second = Completion.of(problem.at(), problem.values()).seed(5).maxSteps(300).fit();
                 CompletionResult inOtherUnits = Completion.of(problem.at(), scaled).seed(5).maxSteps(300).fit()) {
                double[] a = first.completed().toArray();
                assertArrayEquals(a, second.completed().toArray(), 0.0);
                double[] c = inOtherUnits.completed().toArray();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(1024 * a[i], c[i], 0.0);
                }
            }
        }
    }

    @Test
    void anExplicitModelDoesNotDependOnTheUnits() {
        try (Problem problem = Problem.tucker(6, 2, 0.5, 4); Tensor scaled = problem.values().copy()) {
            for (long e = 0; e < scaled.size(); e++) {
                scaled.setFlat(e, 1000 * scaled.getFlat(e));
            }
            try (CompletionResult first = Completion.of(problem.at(), problem.values()).model(Tucker.deep(2)).seed(5).maxSteps(300).fit();
                 CompletionResult inMilli = Completion.of(problem.at(), scaled).model(Tucker.deep(2)).seed(5).maxSteps(300).fit()) {
                double[] a = first.completed().toArray();
                double[] c = inMilli.completed().toArray();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(1000 * a[i], c[i], 1e-9 * Math.max(1, Math.abs(c[i])));
                }
            }
        }
    }

    @Test
    void badObservationsAreRefusedWithAMessage() {
        Shape shape = Shape.of(3, 3);
        try (Coordinates at = Coordinates.ofOffsets(shape, new long[] {0, 4}); Tensor nan = Tensor.of(new double[] {1, Double.NaN}, 2);
             Tensor three = Tensor.zeros(3); Coordinates none = Coordinates.ofOffsets(shape, new long[0]); Tensor empty = Tensor.zeros(0)) {
            IllegalArgumentException notFinite = assertThrows(IllegalArgumentException.class, () -> Completion.of(at, nan));
            assertTrue(notFinite.getMessage().contains("[1, 1]") && notFinite.getMessage().contains("NaN"), notFinite.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Completion.of(at, three));
            IllegalArgumentException nothing = assertThrows(IllegalArgumentException.class, () -> Completion.of(none, empty));
            assertTrue(nothing.getMessage().contains("nothing is observed"), nothing.getMessage());
            try (Coordinates twice = Coordinates.ofOffsets(shape, new long[] {0, 4, 0}); Tensor three2 = Tensor.of(new double[] {1, 2, 3}, 3)) {
                IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class, () -> Completion.of(twice, three2));
                assertTrue(duplicate.getMessage().contains("0 and 2") && duplicate.getMessage().contains("[0, 0]"), duplicate.getMessage());
            }
        }
    }

    @Test
    void theReportReadsAndSerializes() {
        try (Problem problem = Problem.tucker(6, 1, 0.5, 6);
             CompletionResult result = Completion.of(problem.at(), problem.values()).model(Tucker.deep(2)).seed(2).maxSteps(200).fit()) {
            String json = result.report().toJson();
            for (String key : new String[] {"\"model\":", "\"steps\":200", "\"trainMse\":", "\"modeRanks\":", "\"modeSingularValues\":[["}) {
                assertTrue(json.contains(key), key + " missing from " + json);
            }
            assertTrue(result.report().toString().contains("ranks found per mode"), result.report().toString());
        }
    }
}
