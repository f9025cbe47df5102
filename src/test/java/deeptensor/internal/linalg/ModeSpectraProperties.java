package deeptensor.internal.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import deeptensor.tensor.Tensor;
import deeptensor.testing.Properties;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Properties of {@link ModeSpectra} on random small tensors and spectra. */
class ModeSpectraProperties {

    /** Orders 1–4, modes of 1–6. */
    private static final Gen<int[]> SHAPES = Generate.intArrays(integers().between(1, 4), integers().between(1, 6))
            .describedAs(Arrays::toString);

    @Test
    void everyModeSpectrumCarriesTheWholeFrobeniusEnergy() {
        Properties.qt(200).forAll(SHAPES, longs().all()).checkAssert((dims, seed) -> {
            try (Tensor x = Tensor.gaussian(seed, 1.0, dims)) {
                double norm2 = 0;
                for (double v : x.toArray()) {
                    norm2 += v * v;
                }
                double[][] spectra = ModeSpectra.all(x);
                assertEquals(dims.length, spectra.length);
                for (int mode = 0; mode < dims.length; mode++) {
                    double sum = 0;
                    for (double s : spectra[mode]) {
                        sum += s * s;
                    }
                    assertEquals(norm2, sum, 1e-12 * norm2, "Σ σ² of mode " + mode + " vs ‖X‖_F²");
                    assertEquals(1.0, ModeSpectra.energy(spectra[mode], spectra[mode].length), 1e-15);
                }
            }
        });
    }

    @Test
    void theSpectrumDoesNotDependOnHowTheOtherModesAreFlattened() {
        Properties.qt(200).forAll(SHAPES, longs().all(), integers().between(0, 3)).checkAssert((dims, seed, modeChoice) -> {
            int mode = modeChoice % dims.length;
            try (Tensor x = Tensor.gaussian(seed, 1.0, dims)) {
                // NumPy's np.moveaxis(x, n, 0).reshape(I_n, -1) order, written out independently of
                // TensorOps.unfold (which uses TensorLy's order).
                double[][] unfolded = moveAxisUnfolding(x, mode);
                try (Tensor matrix = Dense.tensor(unfolded)) {
                    double[] expected = Svd.singularValues(matrix);
                    double[] actual = ModeSpectra.singularValues(x, mode);
                    assertTrue(Dense.maxDifference(actual, expected, expected[0]) <= 1e-12, "mode " + mode);
                }
            }
        });
    }

    private static double[][] moveAxisUnfolding(Tensor x, int mode) {
        int order = x.order();
        int rows = x.dim(mode);
        int cols = (int) (x.size() / rows);
        double[][] a = new double[rows][cols];
        int[] index = new int[order];
        for (long offset = 0; offset < x.size(); offset++) {
            x.shape().index(offset, index);
            int column = 0;
            for (int n = 0; n < order; n++) {
                if (n != mode) {
                    column = column * x.dim(n) + index[n];
                }
            }
            a[index[mode]][column] = x.getFlat(offset);
        }
        return a;
    }

    @Test
    void summariesStayWithinTheirBounds() {
        Properties.qt(200).forAll(lists().of(doubles().between(0, 100)).ofSizeBetween(1, 30), integers().between(0, 40), doubles().between(0, 1)).checkAssert((values, k, fraction) -> {
            double[] s = Dense.sortedDescending(values.stream().mapToDouble(Double::doubleValue).toArray());
            int rank = ModeSpectra.numericalRank(s, 0.0);
            double erank = ModeSpectra.effectiveRank(s);
            if (rank == 0) {
                assertEquals(0.0, erank);
            } else {
                assertTrue(erank >= 1 - 1e-12 && erank <= rank + 1e-12, "1 ≤ erank ≤ rank: " + erank + ", " + rank);
            }
            double e = ModeSpectra.energy(s, k);
            assertTrue(e >= 0 && e <= 1, "energy in [0, 1]");
            assertTrue(ModeSpectra.energy(s, k + 1) >= e, "energy grows with k");
            int needed = ModeSpectra.rankForEnergy(s, fraction);
            assertTrue(needed <= rank, "no more than the rank is needed");
            if (rank > 0) {
                assertTrue(ModeSpectra.energy(s, needed) >= fraction - 1e-12, "k reaches the fraction");
                assertTrue(needed == 0 || ModeSpectra.energy(s, needed - 1) < fraction - 1e-12, "k is the smallest");
            }
        });
    }

    @Test
    void theEffectiveRankOfKEqualValuesIsK() {
        Properties.qt(100).forAll(integers().between(1, 50), doubles().between(0.01, 1000.0), integers().between(0, 10)).checkAssert((k, value, zeros) -> {
            double[] s = new double[k + zeros];
            java.util.Arrays.fill(s, 0, k, value);
            assertEquals(k, ModeSpectra.effectiveRank(s), 1e-10 * k);
            assertEquals(k, ModeSpectra.numericalRank(s, 1e-13));
        });
    }
}
