package deeptensor.internal.train;

import deeptensor.internal.model.Models;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import deeptensor.model.CP;
import deeptensor.internal.model.Factor;
import deeptensor.model.FactorForm;
import deeptensor.internal.model.Model;
import deeptensor.model.ModelSpec;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import deeptensor.internal.model.TuckerModel;
import deeptensor.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class InitializerTest {

    private static final Shape SHAPE = Shape.of(5, 4, 6);

    @Test
    void gaussianHasTheRequestedSpreadAndIsReproducible() {
        try (Model a = Models.build(Tucker.deep(2), SHAPE); Model b = Models.build(Tucker.deep(2), SHAPE); Model c = Models.build(Tucker.deep(2), SHAPE)) {
            Initializer.gaussian(0.3).initialize(a, 11);
            Initializer.gaussian(0.3).initialize(b, 11);
            Initializer.gaussian(0.3).initialize(c, 12);
            double[] values = a.parameters().values().toArray();
            assertArrayEquals(values, b.parameters().values().toArray(), 0.0);
            assertNotEquals(values[0], c.parameters().values().toArray()[0]);
            double sumSquares = 0;
            for (double v : values) {
                sumSquares += v * v;
            }
            double std = Math.sqrt(sumSquares / values.length);
            // Over ~1000 draws the sample std is within a few percent of 0.3 (its own std is 0.3/√(2n)).
            assertEquals(0.3, std, 0.3 * 5 / Math.sqrt(2.0 * values.length));
        }
    }

    @Test
    void normMatchedGivesEveryLinkItsCoreSliceNorm() {
        for (int depth = 1; depth <= 3; depth++) {
            try (TuckerModel model = Models.build(Tucker.deep(depth), SHAPE)) {
                Initializer.normMatched(5e-4).initialize(model, 123);
                double[] core = model.core().toArray();
                double sumSquares = 0;
                for (double v : core) {
                    sumSquares += v * v;
                }
                double expected = 5e-4 * depth * Math.log(depth + 1);
                assertEquals(expected, Math.sqrt(sumSquares / core.length), expected * 0.15, "core std at depth " + depth);
                for (int n = 0; n < 3; n++) {
                    double[] slices = model.coreSliceNorms(n);
                    Factor factor = model.factors().get(n);
                    for (int c = 0; c < factor.chains(); c++) {
                        for (int l = 0; l < depth; l++) {
                            assertEquals(slices[c], factor.linkNorm(c, l), 1e-15, "mode " + n + " chain " + c + " link " + l);
                        }
                    }
                }
            }
        }
    }

    @Test
    void balancedChainsSatisfyTheBalanceIdentity() {
        List<ModelSpec> specs = List.of(
                CP.shallow().rank(4).factorForm(FactorForm.columnChains(3)),
                CP.shallow().rank(4).factorForm(FactorForm.sharedChain(3)),
                Tucker.shallow().factorForm(FactorForm.sharedChain(4)),
                TensorTrain.deep(2));
        for (ModelSpec spec : specs) {
            try (Model model = Models.build(spec, SHAPE)) {
                Initializer.balanced(0.7).initialize(model, 5);
                for (Factor factor : model.factors()) {
                    for (int c = 0; c < factor.chains(); c++) {
                        for (int l = 0; l < factor.depth(); l++) {
                            assertEquals(0.7, factor.linkNorm(c, l), 1e-12, spec + " link norm");
                        }
                        for (int l = 0; l + 1 < factor.depth(); l++) {
                            double[][] lower = link(factor, c, l), upper = link(factor, c, l + 1);
                            // A_{l+1}ᵀ A_{l+1} = A_l A_lᵀ
                            double[][] left = multiply(transpose(upper), upper), right = multiply(lower, transpose(lower));
                            for (int i = 0; i < left.length; i++) {
                                assertArrayEquals(right[i], left[i], 1e-12, spec + " balance of links " + l + ", " + (l + 1));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void balancedColumnChainsGiveEqualComponentNormsAcrossModes() {
        try (deeptensor.internal.model.CpModel model = Models.build(CP.deep(3).rank(5), SHAPE)) {
            Initializer.balanced(0.5).initialize(model, 9);
            double[] norms = new double[5];
            model.componentNorms(norms);
            for (double norm : norms) {
                assertEquals(Math.pow(0.5, 9), norm, 1e-15); // ‖W_r‖ = (s^L)^N with L = N = 3
            }
        }
    }

    @Test
    void endToEndStartsEveryDepthAtTheSameColumnNorms() {
        for (FactorForm form : new FactorForm[] {FactorForm.columnChains(1), FactorForm.columnChains(2), FactorForm.columnChains(4),
                FactorForm.sharedChain(3)}) {
            try (Model shallow = Models.build(CP.shallow().rank(4), SHAPE); Model deep = Models.build(CP.shallow().rank(4).factorForm(form), SHAPE)) {
                Initializer.endToEnd(0.1).initialize(shallow, 77);
                Initializer.endToEnd(0.1).initialize(deep, 77);
                shallow.forwardFactors();
                deep.forwardFactors();
                for (int n = 0; n < 3; n++) {
                    double[] expected = columnNorms(shallow.factors().get(n));
                    double[] actual = columnNorms(deep.factors().get(n));
                    if (!form.perColumn()) {
                        assertEquals(total(expected), total(actual), 1e-12, form + " factor " + n);
                    } else {
                        assertArrayEquals(expected, actual, 1e-12, form + " factor " + n);
                    }
                }
            }
        }
    }

    @Test
    void nonPositiveScalesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Initializer.gaussian(0));
        assertThrows(IllegalArgumentException.class, () -> Initializer.balanced(-1));
        assertThrows(IllegalArgumentException.class, () -> Initializer.normMatched(Double.NaN));
    }

    private static double[] columnNorms(Factor factor) {
        double[] norms = new double[factor.cols()];
        for (int j = 0; j < factor.cols(); j++) {
            double sum = 0;
            for (int i = 0; i < factor.rows(); i++) {
                sum += factor.matrix().get(i, j) * factor.matrix().get(i, j);
            }
            norms[j] = Math.sqrt(sum);
        }
        return norms;
    }

    private static double total(double[] columnNorms) {
        double sum = 0;
        for (double v : columnNorms) {
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    private static double[][] link(Factor factor, int chain, int link) {
        double[][] m = new double[factor.linkRows(link)][factor.linkCols(link)];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = factor.get(chain, link, i, j);
            }
        }
        return m;
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b[0].length; j++) {
                for (int k = 0; k < b.length; k++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }
}
