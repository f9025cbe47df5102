package deeptensor.internal.model;

import deeptensor.model.CP;
import deeptensor.model.FactorForm;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import deeptensor.tensor.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Forward passes of the factor forms against the chain product written out naively. */
class FactorFormTest {

    @ParameterizedTest(name = "depth {0}")
    @ValueSource(ints = {2, 3, 4})
    void sharedChainIsTheProductOfItsLinks(int depth) {
        SplittableRandom random = new SplittableRandom(depth);
        try (Model model = Models.build(CP.shallow().rank(3).factorForm(FactorForm.sharedChain(depth).withWidth(4)), Shape.of(5, 2))) {
            Fixtures.randomize(model, random, 1.0);
            model.forwardFactors();
            Factor factor = model.factors().get(0);
            double[][] product = link(factor, 0, 0);
            for (int l = 1; l < depth; l++) {
                product = multiply(link(factor, 0, l), product);
            }
            assertMatrix(product, factor);
        }
    }

    @ParameterizedTest(name = "depth {0}")
    @ValueSource(ints = {1, 2, 3, 4})
    void columnChainsMakeEachColumnFromItsOwnChain(int depth) {
        SplittableRandom random = new SplittableRandom(10 + depth);
        try (Model model = Models.build(CP.shallow().rank(3).factorForm(FactorForm.columnChains(depth).withWidth(4)), Shape.of(5, 2))) {
            Fixtures.randomize(model, random, 1.0);
            model.forwardFactors();
            Factor factor = model.factors().get(0);
            double[][] expected = new double[5][3];
            for (int j = 0; j < 3; j++) {
                double[][] column = link(factor, j, 0);
                for (int l = 1; l < depth; l++) {
                    column = multiply(link(factor, j, l), column);
                }
                for (int i = 0; i < 5; i++) {
                    expected[i][j] = column[i][0];
                }
            }
            assertMatrix(expected, factor);
        }
    }

    @Test
    void depthOneOfEveryFormIsDirect() {
        try (Model a = Models.build(CP.shallow().rank(2).factorForm(FactorForm.sharedChain(1)), Shape.of(3, 3));
             Model b = Models.build(CP.shallow().rank(2).factorForm(FactorForm.columnChains(1)), Shape.of(3, 3))) {
            assertInstanceOf(DirectFactor.class, a.factors().get(0));
            assertInstanceOf(DirectFactor.class, b.factors().get(0));
            assertEquals(12, a.parameters().size());
        }
    }

    @Test
    void defaultsAreOverParameterized() {
        Shape shape = Shape.of(4, 5, 6);
        try (CpModel cp = Models.build(CP.deep(2), shape);
             TuckerModel tucker = Models.build(Tucker.deep(2), shape);
             TensorTrainModel tt = Models.build(TensorTrain.deep(2), shape)) {
            assertEquals(4 * 5 * 6 / 6, cp.rank());
            assertEquals(shape, tucker.coreShape());
            assertEquals("[1, 4, 6, 1]", java.util.Arrays.toString(tt.ranks()));
            // Column chains of width d: base vectors d, top links d×d, per column.
            assertEquals(20 * (4 + 16 + 5 + 25 + 6 + 36), cp.parameters().size());
        }
        try (TensorTrainModel capped = Models.build(TensorTrain.shallow().maxRank(5), Shape.of(4, 5, 6, 7))) {
            assertEquals("[1, 4, 5, 5, 1]", java.util.Arrays.toString(capped.ranks()));
        }
    }

    @Test
    void badArgumentsAreRejectedWithAMessage() {
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class, () -> Models.build(CP.deep(2), Shape.of(7)));
        assertEquals(true, order.getMessage().contains("order at least 2"), order.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FactorForm.columnChains(0));
        assertThrows(IllegalArgumentException.class, () -> Models.build(Tucker.shallow().ranks(2, 2), Shape.of(3, 3, 3)));
        assertThrows(IllegalArgumentException.class, () -> Models.build(TensorTrain.shallow().ranks(2, 2, 1), Shape.of(3, 3)));
    }

    static double[][] link(Factor factor, int chain, int link) {
        double[][] m = new double[factor.linkRows(link)][factor.linkCols(link)];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = factor.get(chain, link, i, j);
            }
        }
        return m;
    }

    static double[][] multiply(double[][] a, double[][] b) {
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

    private static void assertMatrix(double[][] expected, Factor factor) {
        for (int i = 0; i < factor.rows(); i++) {
            for (int j = 0; j < factor.cols(); j++) {
                assertEquals(expected[i][j], factor.matrix().get(i, j), 1e-12 * (1 + Math.abs(expected[i][j])),
                        "entry (" + i + ", " + j + ") of " + factor);
            }
        }
    }
}
