package deeptensor.internal.model;

import deeptensor.internal.ModelShapes;
import deeptensor.model.CP;
import deeptensor.model.FactorForm;
import deeptensor.model.ModelSpec;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import static deeptensor.internal.model.FactorLinksTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.quicktheories.generators.SourceDSL.integers;

import deeptensor.tensor.Shape;
import deeptensor.testing.Properties;
import deeptensor.testing.Shapes;
import org.junit.jupiter.api.Test;

/**
 * The model specs and builders: default ranks against their definitions, explicit ranks and forms
 * carried through to the model, descriptions, and every refused argument with its message.
 */
class ModelSpecsTest {

    /** Razin's default CP rank {@code Π d / max d} and the maximal tensor-train ranks, by their definitions. */
    @Test
    void defaultRanksFollowTheirDefinitions() {
        Properties.qt(300).forAll(Shapes.shapes(2, 6, 9, 1_000_000), integers().between(1, 80)).checkAssert((dims, cap) -> {
            Shape shape = Shape.of(dims);
            long product = 1;
            int max = 0;
            for (int d : dims) {
                product *= d;
                max = Math.max(max, d);
            }
            assertEquals(product / max, ModelShapes.defaultCpRank(shape), shape.toString());
            assertEquals(product / max, CP.deep(2).rankFor(shape));
            int order = dims.length;
            int[] expected = new int[order + 1];
            for (int k = 0; k <= order; k++) {
                long left = 1, right = 1;
                for (int j = 0; j < k; j++) {
                    left *= dims[j];
                }
                for (int j = k; j < order; j++) {
                    right *= dims[j];
                }
                expected[k] = (int) Math.min(cap, Math.min(left, right));
            }
            assertArrayEquals(expected, ModelShapes.maximalTtRanks(shape, cap), shape + ", cap " + cap);
            assertArrayEquals(expected, TensorTrain.shallow().maxRank(cap).ranksFor(shape), shape + ", cap " + cap);
        });
    }

    @Test
    void theDefaultCpRankMustFitAnInt() {
        // 50000³ / 50000 = 2.5·10⁹ components
        assertMessage(IllegalArgumentException.class,
                "the default CP rank of shape 50000×50000×50000 (2500000000) is too large; set a rank",
                () -> CP.shallow().rankFor(Shape.of(50_000, 50_000, 50_000)));
        assertEquals(2_000_000_000, ModelShapes.defaultCpRank(Shape.of(50_000, 40_000, 50_000)));
    }

    @Test
    void specsCarryTheirRanksAndFormsIntoTheModel() {
        Shape shape = Shape.of(4, 5, 6);
        FactorForm chains = FactorForm.columnChains(2).withWidth(3);
        try (CpModel cp = Models.build(CP.deep(2).rank(7), shape);
             TuckerModel tucker = Models.build(Tucker.shallow().ranks(2, 3, 4).factorForm(chains), shape);
             TensorTrainModel tt = Models.build(TensorTrain.deep(3).ranks(1, 2, 3, 1), shape)) {
            assertEquals(7, cp.rank());
            assertEquals(FactorForm.columnChains(2), CP.deep(2).factorForm());
            assertEquals(FactorForm.columnChains(2).withWidth(4), cp.factors().get(0).form(), "default width: the mode size d");
            assertEquals(Shape.of(2, 3, 4), tucker.coreShape());
            assertEquals(FactorForm.columnChains(2).withWidth(3), tucker.factors().get(2).form());
            assertArrayEquals(new int[] {1, 2, 3, 1}, tt.ranks());
            assertEquals(FactorForm.sharedChain(3).withWidth(3), tt.factors().get(1).form(), "default width: the core's rank r_k");
            for (int k = 0; k < 3; k++) {
                Factor core = tt.factors().get(k);
                assertEquals(tt.ranks()[k] * shape.dim(k), core.rows(), "core " + k + " matricization rows");
                assertEquals(tt.ranks()[k + 1], core.cols(), "core " + k + " matricization columns");
            }
            for (int n = 0; n < 3; n++) {
                assertEquals(shape.dim(n), tucker.factors().get(n).rows());
                assertEquals(tucker.coreShape().dim(n), tucker.factors().get(n).cols());
                assertEquals(7, cp.factors().get(n).cols());
                assertEquals("F" + (n + 1), cp.factors().get(n).name());
                assertEquals("U" + (n + 1), tucker.factors().get(n).name());
                assertEquals("G" + (n + 1), tt.factors().get(n).name());
            }
        }
        // the depth is the form's
        assertEquals(3, TensorTrain.deep(3).factorForm().depth());
        assertEquals(1, Tucker.shallow().factorForm().depth());
        assertEquals(4, CP.deep(4).factorForm().depth());
        assertEquals(FactorForm.sharedChain(2), TensorTrain.deep(2).factorForm());
        assertEquals(FactorForm.columnChains(2), Tucker.deep(2).factorForm());
        assertEquals(FactorForm.direct(), CP.shallow().factorForm());
        assertEquals(FactorForm.sharedChain(5), CP.shallow().factorForm(FactorForm.sharedChain(5)).factorForm());
        assertEquals(FactorForm.sharedChain(5), TensorTrain.shallow().factorForm(FactorForm.sharedChain(5)).factorForm());
        assertEquals(FactorForm.sharedChain(5), Tucker.shallow().factorForm(FactorForm.sharedChain(5)).factorForm());
    }

    @Test
    void specRanksAreCopiesAndEmptyTuckerRanksRestoreTheFullCore() {
        Shape shape = Shape.of(3, 4);
        int[] given = {2, 2};
        Tucker tucker = Tucker.shallow().ranks(given);
        given[0] = 9;
        assertArrayEquals(new int[] {2, 2}, tucker.ranksFor(shape), "the spec keeps its own copy");
        tucker.ranksFor(shape)[1] = 9;
        assertArrayEquals(new int[] {2, 2}, tucker.ranksFor(shape), "ranksFor returns a copy");
        assertArrayEquals(new int[] {3, 4}, tucker.ranks().ranksFor(shape), "no ranks: the full core");
        assertArrayEquals(new int[] {3, 4}, Tucker.deep(2).ranksFor(shape));

        int[] bonds = {1, 3, 1};
        TensorTrain tt = TensorTrain.shallow().ranks(bonds);
        bonds[1] = 9;
        assertArrayEquals(new int[] {1, 3, 1}, tt.ranksFor(shape));
        tt.ranksFor(shape)[1] = 9;
        assertArrayEquals(new int[] {1, 3, 1}, tt.ranksFor(shape));
        // explicit ranks are not capped, and survive a change of form
        assertArrayEquals(new int[] {1, 3, 1}, tt.factorForm(FactorForm.sharedChain(2)).ranksFor(shape));
        // maxRank replaces explicit ranks by capped maximal ones
        assertArrayEquals(new int[] {1, 2, 1}, tt.maxRank(2).ranksFor(shape));
        assertArrayEquals(new int[] {1, 3, 1}, TensorTrain.deep(2).ranksFor(shape), "maximal: min(3, 4)");
        try (TensorTrainModel model = Models.build(TensorTrain.shallow().ranks(1, 2, 1), shape)) {
            int[] ranks = model.ranks();
            ranks[1] = 9;
            assertArrayEquals(new int[] {1, 2, 1}, model.ranks(), "the model's ranks() is a copy");
        }
        assertEquals(5, CP.shallow().rank(5).rankFor(shape));
        assertEquals(3, CP.shallow().rank(5).rank(0).rankFor(shape), "rank 0: the default 12 / 4");
        assertEquals(5, CP.shallow().rank(5).factorForm(FactorForm.columnChains(2)).rankFor(shape), "the form keeps the rank");
    }

    @Test
    void descriptions() {
        assertEquals("CP(default rank, direct)", CP.shallow().toString());
        assertEquals("CP(rank 4, column chains, depth 2)", CP.deep(2).rank(4).toString());
        assertEquals("Tucker(full core, column chains, depth 3)", Tucker.deep(3).toString());
        assertEquals("Tucker(ranks [2, 3], direct)", Tucker.shallow().ranks(2, 3).toString());
        assertEquals("TensorTrain(maximal ranks ≤ 64, shared chain, depth 2)", TensorTrain.deep(2).toString());
        assertEquals("TensorTrain(maximal ranks ≤ 5, direct)", TensorTrain.shallow().maxRank(5).toString());
        assertEquals("TensorTrain(ranks [1, 2, 1], direct)", TensorTrain.shallow().ranks(1, 2, 1).toString());
        Shape shape = Shape.of(25, 25, 25);
        // the example of Model.describe's Javadoc
        try (Model tucker = Models.build(Tucker.deep(3), shape)) {
            assertEquals("Tucker 25×25×25, core 25×25×25, column chains, depth 3, width 25", tucker.describe());
            assertEquals(tucker.describe(), tucker.toString());
        }
        try (Model cp = Models.build(CP.shallow().rank(2), Shape.of(2, 3)); Model tt = Models.build(TensorTrain.deep(2).ranks(1, 2, 1), Shape.of(2, 3))) {
            assertEquals("CP 2×3, rank 2, direct", cp.describe());
            assertEquals("tensor train 2×3, ranks [1, 2, 1], shared chain, depth 2, width 2", tt.describe());
            assertEquals(tt.describe(), tt.toString());
        }
    }

    @Test
    void badSpecsAndShapesAreRefusedWithAMessage() {
        assertMessage(IllegalArgumentException.class, "CP rank must be positive (or 0 for the default), got -1", () -> CP.shallow().rank(-1));
        assertMessage(IllegalArgumentException.class, "the tensor-train rank cap must be at least 1, got 0",
                () -> TensorTrain.shallow().maxRank(0));
        assertMessage(NullPointerException.class, "factor form", () -> CP.shallow().factorForm(null));
        assertMessage(NullPointerException.class, "factor form", () -> Tucker.shallow().factorForm(null));
        assertMessage(NullPointerException.class, "factor form", () -> TensorTrain.shallow().factorForm(null));
        TensorTrain.shallow().maxRank(1);

        for (String model : new String[] {"CP", "Tucker", "tensor-train"}) {
            ModelSpec spec = switch (model) {
                case "CP" -> CP.shallow().rank(2);
                case "Tucker" -> Tucker.shallow();
                default -> TensorTrain.shallow();
            };
            assertMessage(IllegalArgumentException.class, "a " + model + " model needs a tensor of order at least 2, got shape 7",
                    () -> Models.build(spec, Shape.of(7)));
            assertMessage(IllegalArgumentException.class, "a " + model + " model cannot fit shape 3×0×2: mode 1 is empty",
                    () -> Models.build(spec, Shape.of(3, 0, 2)));
            assertMessage(IllegalArgumentException.class, "a " + model + " model cannot fit shape 0×3: mode 0 is empty",
                    () -> Models.build(spec, Shape.of(0, 3)));
            assertMessage(IllegalArgumentException.class, "a " + model + " model cannot fit shape 3×0: mode 1 is empty",
                    () -> Models.build(spec, Shape.of(3, 0)));
        }
        assertMessage(IllegalArgumentException.class, "a CP model needs a tensor of order at least 2, got shape 7",
                () -> Models.build(CP.shallow(), Shape.of(7)));
        assertMessage(IllegalArgumentException.class, "a tensor-train model needs a tensor of order at least 2, got shape 7",
                () -> TensorTrain.shallow().ranksFor(Shape.of(7)));

        Shape shape = Shape.of(3, 3);
        assertMessage(IllegalArgumentException.class, "a CP model needs rank at least 1, got 0",
                () -> CpModel.create(shape, 0, FactorForm.direct()));
        assertMessage(IllegalArgumentException.class, "a Tucker model of shape 3×3 needs 2 ranks, got [2, 2, 2]",
                () -> Models.build(Tucker.shallow().ranks(2, 2, 2), shape));
        assertMessage(IllegalArgumentException.class, "a Tucker model of shape 3×3 needs 2 ranks, got [2]",
                () -> Models.build(Tucker.shallow().ranks(2), shape));
        assertMessage(IllegalArgumentException.class, "Tucker ranks must be at least 1, got [2, 0]",
                () -> Models.build(Tucker.shallow().ranks(2, 0), shape));
        assertMessage(IllegalArgumentException.class, "Tucker ranks must be at least 1, got [0, 2]",
                () -> Models.build(Tucker.shallow().ranks(0, 2), shape));
        for (int[] ranks : new int[][] {{1, 2}, {1, 2, 1, 1}, {2, 2, 1}, {1, 2, 2}, {0, 2, 1}}) {
            assertMessage(IllegalArgumentException.class, "a tensor train of shape 3×3 needs 3 bond ranks starting and ending with 1, got "
                    + java.util.Arrays.toString(ranks), () -> Models.build(TensorTrain.shallow().ranks(ranks), shape));
        }
        assertMessage(IllegalArgumentException.class, "tensor-train ranks must be at least 1, got [1, 0, 1]",
                () -> Models.build(TensorTrain.shallow().ranks(1, 0, 1), shape));
        assertMessage(IllegalArgumentException.class, "tensor-train ranks must be at least 1, got [1, -2, 1]",
                () -> Models.build(TensorTrain.shallow().ranks(1, -2, 1), shape));
        // the smallest accepted values
        try (Model cp = CpModel.create(Shape.of(1, 1), 1, FactorForm.direct());
             Model tucker = Models.build(Tucker.shallow().ranks(1, 1), shape);
             Model tt = Models.build(TensorTrain.shallow().ranks(1, 1, 1), shape)) {
            assertInstanceOf(CpModel.class, cp);
            assertEquals(1 + 3 + 3, tucker.parameters().size());
            assertEquals(3 + 3, tt.parameters().size());
        }
    }
}
