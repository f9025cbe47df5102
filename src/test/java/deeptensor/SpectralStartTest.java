package deeptensor;

import deeptensor.internal.model.Models;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.model.Tucker;
import deeptensor.internal.model.TuckerModel;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The spectral start of thin Tucker models. */
class SpectralStartTest {

    @Test
    void jacobiFindsTheEigenvaluesOfASymmetricMatrix() {
        double[] a = {4, 1, 2, 1, 3, 0, 2, 0, 5};
        double[] vectors = new double[9];
        double[] values = SpectralStart.jacobi(a.clone(), vectors, 3);
        double trace = 0;
        for (double v : values) {
            trace += v;
        }
        assertEquals(12, trace, 1e-10);
        for (int c = 0; c < 3; c++) { // A v = λ v
            for (int i = 0; i < 3; i++) {
                double av = 0;
                for (int j = 0; j < 3; j++) {
                    av += a[i * 3 + j] * vectors[j * 3 + c];
                }
                assertEquals(values[c] * vectors[i * 3 + c], av, 1e-9);
            }
        }
    }

    @Test
    void aLowRankTensorIsRecoveredFromItsObservedEntriesBeforeAnyFit() {
        // CP rank 2 in a 300×40×30 tensor (the long mode goes through subspace iteration), 10 % observed:
        // the start alone is close to the tensor everywhere, where a random start is uncorrelated with it.
        Shape shape = Shape.of(300, 40, 30);
        SplittableRandom random = new SplittableRandom(3);
        double[][][] factors = new double[3][][];
        for (int n = 0; n < 3; n++) {
            factors[n] = new double[shape.dim(n)][2];
            for (double[] row : factors[n]) {
                row[0] = random.nextGaussian();
                row[1] = random.nextGaussian();
            }
        }
        List<Long> offsets = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        double[] full = new double[(int) shape.size()];
        int o = 0;
        for (int i = 0; i < 300; i++) {
            for (int j = 0; j < 40; j++) {
                for (int k = 0; k < 30; k++, o++) {
                    full[o] = factors[0][i][0] * factors[1][j][0] * factors[2][k][0] + factors[0][i][1] * factors[1][j][1] * factors[2][k][1];
                    if (random.nextDouble() < 0.1) {
                        offsets.add((long) o);
                        values.add(full[o]);
                    }
                }
            }
        }
        try (Coordinates at = Coordinates.ofOffsets(shape, offsets.stream().mapToLong(Long::longValue).toArray());
             Tensor y = Tensor.of(values.stream().mapToDouble(Double::doubleValue).toArray(), values.size());
             TuckerModel model = Models.build(Tucker.shallow().ranks(2, 2, 2), shape);
             Tensor completed = Tensor.zeros(shape)) {
            assertTrue(AutoCompletion.thin(model));
            SpectralStart.apply(model, at, y, 1, 7);
            model.reconstruct(completed);
            double error = 0, norm = 0;
            for (int e = 0; e < full.length; e++) {
                double d = completed.getFlat(e) - full[e];
                error += d * d;
                norm += full[e] * full[e];
            }
            assertTrue(Math.sqrt(error / norm) < 0.5, "relative error of the start " + Math.sqrt(error / norm));
        }
    }
}
