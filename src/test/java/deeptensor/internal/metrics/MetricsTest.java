package deeptensor.internal.metrics;

import deeptensor.internal.model.Models;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.kernel.TensorOps;
import deeptensor.internal.linalg.Svd;
import deeptensor.model.CP;
import deeptensor.internal.model.CpModel;
import deeptensor.model.Tucker;
import deeptensor.internal.model.TuckerModel;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import deeptensor.internal.train.Initializer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The metric unit checks (experiment E10), to 1e-10. */
class MetricsTest {

    private static final double EXACT = 1e-10;

    @ParameterizedTest(name = "k = {0}")
    @ValueSource(ints = {1, 2, 5, 12})
    void effectiveRankOfTheIdentityIsItsSize(int k) {
        // X[i, a, b] = 1 when i = a·2 + b: its mode-0 unfolding is the k × k identity (k = 2·(k/2) for even k).
        int a = k % 2 == 0 ? k / 2 : k, b = k % 2 == 0 ? 2 : 1;
        try (Tensor x = Tensor.zeros(k, a, b)) {
            for (int i = 0; i < k; i++) {
                x.set(1.0, i, i / b, i % b);
            }
            assertEquals(k, UnfoldingSpectra.modeEffectiveRanks(x)[0], EXACT);
        }
    }

    @Test
    void everyRankOfARankOneTensorIsOne() {
        SplittableRandom random = new SplittableRandom(3);
        try (Tensor x = Tensor.zeros(4, 3, 5)) {
            double[] u = gaussian(random, 4), v = gaussian(random, 3), w = gaussian(random, 5);
            double norm = 0;
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int l = 0; l < 5; l++) {
                        x.set(u[i] * v[j] * w[l], i, j, l);
                        norm += Math.pow(u[i] * v[j] * w[l], 2);
                    }
                }
            }
            for (double rank : UnfoldingSpectra.modeEffectiveRanks(x)) {
                assertEquals(1.0, rank, EXACT);
            }
            for (double rank : UnfoldingSpectra.ttEffectiveRanks(x)) {
                assertEquals(1.0, rank, EXACT);
            }
            // Every unfolding of a rank-one tensor has one singular value, ‖X‖_F: SNN = ‖X‖_F.
            assertEquals(Math.sqrt(norm), UnfoldingSpectra.sumOfNuclearNorms(x), EXACT * Math.sqrt(norm));
            assertEquals(Math.sqrt(norm), UnfoldingSpectra.ttSumOfNuclearNorms(x), EXACT * Math.sqrt(norm));
        }
    }

    @Test
    void nModeSingularValuesAreTheHosvdCoreSliceNorms() {
        Shape shape = Shape.of(4, 5, 3);
        try (Tensor x = Tensor.gaussian(8, 1.0, 4, 5, 3)) {
            double[][] spectra = UnfoldingSpectra.modeSingularValues(x);
            Tensor[] transposedFactors = new Tensor[3];
            try {
                for (int n = 0; n < 3; n++) {
                    try (Tensor unfolded = Tensor.zeros(TensorOps.unfoldedShape(shape, n));
                         Svd.Result svd = decompose(x, n, unfolded)) {
                        // Uᵀ of the full left singular basis (d_n × d_n here since d_n ≤ the other modes' product).
                        transposedFactors[n] = Tensor.zeros(shape.dim(n), shape.dim(n));
                        for (int i = 0; i < shape.dim(n); i++) {
                            for (int j = 0; j < shape.dim(n); j++) {
                                transposedFactors[n].set(svd.u().get(j, i), i, j);
                            }
                        }
                    }
                }
                try (Tensor core = Tensor.zeros(shape); Tensor workspace = Tensor.zeros((int) TensorOps.multiModeWorkspace(shape, transposedFactors))) {
                    TensorOps.multiModeProduct(x, transposedFactors, core, workspace);
                    for (int n = 0; n < 3; n++) {
                        assertArrayEquals(spectra[n], TuckerModel.sliceNorms(core, n), EXACT, "mode " + n);
                    }
                }
            } finally {
                for (Tensor t : transposedFactors) {
                    if (t != null) {
                        t.close();
                    }
                }
            }
        }
    }

    private static Svd.Result decompose(Tensor x, int mode, Tensor unfolded) {
        TensorOps.unfold(x, mode, unfolded);
        return Svd.decompose(unfolded);
    }

    @Test
    void aComponentNormIsTheFrobeniusNormOfItsOuterProduct() {
        Shape shape = Shape.of(3, 4, 2);
        try (CpModel model = Models.build(CP.deep(2).rank(4), shape); Tensor component = Tensor.zeros(shape)) {
            Initializer.gaussian(0.8).initialize(model, 21);
            double[] norms = ComponentNorms.of(model).raw();
            model.forwardFactors();
            for (int r = 0; r < 4; r++) {
                Tensor[] columns = new Tensor[3];
                try {
                    for (int n = 0; n < 3; n++) {
                        Tensor f = model.factors().get(n).matrix();
                        columns[n] = Tensor.zeros(f.rows(), 1);
                        for (int i = 0; i < f.rows(); i++) {
                            columns[n].set(f.get(i, r), i, 0);
                        }
                    }
                    TensorOps.cpReconstruct(columns, component);
                    double sum = 0;
                    for (long i = 0; i < component.size(); i++) {
                        sum += component.getFlat(i) * component.getFlat(i);
                    }
                    assertEquals(Math.sqrt(sum), norms[r], EXACT * Math.sqrt(sum), "component " + r);
                } finally {
                    for (Tensor c : columns) {
                        if (c != null) {
                            c.close();
                        }
                    }
                }
            }
        }
    }

    @Test
    void componentNormSummaries() {
        ComponentNorms norms = ComponentNorms.of(new double[] {0.5, 4, 0.01, 2});
        assertArrayEquals(new double[] {4, 2}, norms.top(2), 0);
        assertArrayEquals(new double[] {0.125, 1, 0.0025, 0.5}, norms.normalizedByMax(), 0);
        assertEquals(3, norms.numericalRank(0.1));
        assertEquals(4, norms.numericalRank(0.001));
        assertEquals(1.0, ComponentNorms.of(new double[] {0, 3, 0}).effectiveRank(), EXACT);
        assertEquals(2.0, ComponentNorms.of(new double[] {1, 1}).effectiveRank(), EXACT);
    }

    @Test
    void coreSliceCountsUseAbsoluteThresholds() {
        try (TuckerModel model = Models.build(Tucker.shallow().ranks(3, 2), Shape.of(3, 2))) {
            // Core [[10, 0], [0.5, 0], [0, 0.05]]: mode-0 slice norms (10, 0.5, 0.05), mode-1 (√100.25, 0.05).
            double[] core = {10, 0, 0.5, 0, 0, 0.05};
            for (int i = 0; i < core.length; i++) {
                model.core().setFlat(i, core[i]);
            }
            int[][] counts = CoreSlices.of(model).countsAbove(CoreSlices.aistatsThresholds());
            assertArrayEquals(new int[] {2, 1, 0}, counts[0]);
            assertArrayEquals(new int[] {1, 1, 1}, counts[1]);
        }
    }

    @Test
    void groupNormsDoNotChangeUnderTheCoreFactorSymmetry() {
        try (TuckerModel model = Models.build(Tucker.shallow(), Shape.of(3, 4, 2))) {
            Initializer.gaussian(1.0).initialize(model, 4);
            double[] before = CoreSlices.groups(model).norms(1);
            // Scale core slice 2 of mode 1 by 3 and column 2 of U² by 1/3: the model tensor is unchanged.
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 2; k++) {
                    model.core().set(3 * model.core().get(i, 2, k), i, 2, k);
                }
            }
            for (int i = 0; i < 4; i++) {
                model.factors().get(1).matrix().set(model.factors().get(1).matrix().get(i, 2) / 3, i, 2);
            }
            assertArrayEquals(before, CoreSlices.groups(model).norms(1), 1e-12);
        }
    }

    @Test
    void completionErrorsSplitObservedAndUnobservedEntries() {
        try (Tensor truth = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
             Tensor estimate = Tensor.of(new double[] {1, 2, 3, 6}, 2, 2);
             Coordinates observed = Coordinates.ofOffsets(Shape.of(2, 2), new long[] {0, 1})) {
            CompletionErrors errors = CompletionErrors.of(estimate, truth, observed);
            assertEquals(0, errors.relativeObserved(), 0);
            assertEquals(0, errors.observedMse(), 0);
            assertEquals(2.0, errors.unobservedMse(), EXACT);          // (0² + 2²) / 2
            assertEquals(2 / 5.0, errors.relativeUnobserved(), EXACT);  // 2 / √(9 + 16)
            assertEquals(2 / Math.sqrt(30), errors.relativeAll(), EXACT);
            assertEquals(1.0, errors.allMse(), EXACT);
            assertTrue(Double.isNaN(CompletionErrors.of(estimate, truth,
                    Coordinates.ofOffsets(Shape.of(2, 2), new long[] {0, 1, 2, 3})).unobservedMse()));
        }
    }

    private static double[] gaussian(SplittableRandom random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }
}
