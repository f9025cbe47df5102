package deeptensor.internal.model;

import deeptensor.model.CP;
import deeptensor.model.ModelSpec;
import deeptensor.model.Tucker;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A model's plain factors compute what the model computes: the trained model (any family, factor
 * form and depth, orders 2 to 5) is the oracle for the factorization's batch evaluation (the same
 * kernels on the same numbers: bit for bit), its single-entry loop and its reconstruction.
 */
class FactorizationTest {

    private static double magnitude(double[] values) {
        double largest = 0;
        for (double v : values) {
            largest = Math.max(largest, Math.abs(v));
        }
        return largest;
    }

    @Test
    void aFactorizationComputesWhatItsModelComputes() {
        SplittableRandom random = new SplittableRandom(41);
        for (int depth = 1; depth <= 3; depth++) {
            for (int order = 2; order <= 5; order++) { // models need order ≥ 2
                for (ModelSpec spec : Fixtures.specs(depth)) {
                    Shape shape = Fixtures.shape(random, order, 1, order > 3 ? 3 : 5);
                    int all = (int) shape.size();
                    try (Model model = Models.build(spec, shape);
                         Tensor dense = Tensor.zeros(shape);
                         Tensor fromModel = Tensor.zeros(all);
                         Tensor fromFactors = Tensor.zeros(all);
                         Tensor rebuilt = Tensor.zeros(shape);
                         Coordinates everywhere = Fixtures.coordinates(random, shape, all)) {
                        Fixtures.randomize(model, random, 0.7);
                        model.reconstruct(dense);
                        model.evaluate(everywhere, fromModel);
                        try (Factorization plain = model.factorization()) {
                            String what = model.describe() + " on " + shape;
                            plain.evaluate(everywhere, fromFactors);
                            double tolerance = 1e-12 * Math.max(1, magnitude(fromModel.toArray()));
                            // The same kernels on the same numbers, bit for bit; a Tucker factorization may
                            // instead use its cached partial product, which sums in another order.
                            assertArrayEquals(fromModel.toArray(), fromFactors.toArray(), plain.kind() == Factorization.Kind.TUCKER ? tolerance : 0.0,
                                    what + ": batch evaluation");
                            int[] index = new int[order];
                            for (int e = 0; e < all; e++) {
                                for (int n = 0; n < order; n++) {
                                    index[n] = everywhere.index(e, n);
                                }
                                assertEquals(fromModel.getFlat(e), plain.at(index), tolerance, what + ": entry " + e);
                            }
                            plain.reconstruct(rebuilt);
                            assertArrayEquals(dense.toArray(), rebuilt.toArray(), tolerance, what + ": reconstruction");
                            assertEquals(Factorization.valueCount(plain.kind(), shape, plain.ranks()), plain.size());
                        }
                    }
                }
            }
        }
    }

    /**
     * A Tucker model with a large core serves from its partial product, and agrees with the core
     * contraction: with the cached mode first, in the middle and last, and for batches shorter
     * than, equal to and spanning several of the chunks the partial product is evaluated in.
     */
    @Test
    void aLargeCoreIsServedFromThePartialProduct() {
        SplittableRandom random = new SplittableRandom(12);
        int[][] dims = {{9, 8, 7}, {24, 5, 4}, {5, 24, 4}};
        int[][] ranks = {{6, 5, 4}, {3, 4, 4}, {4, 3, 4}};
        for (int c = 0; c < dims.length; c++) {
            Shape shape = Shape.of(dims[c]);
            for (int count : new int[] {1, 8, 9, 150, 256, 400}) {
                try (Model model = Models.build(Tucker.shallow().ranks(ranks[c]), shape);
                     Coordinates at = Fixtures.coordinates(random, shape, count);
                     Tensor direct = Tensor.zeros(count);
                     Tensor served = Tensor.zeros(count)) {
                    Fixtures.randomize(model, random, 0.6);
                    model.evaluate(at, direct); // the kernels' contraction with the whole core
                    try (Factorization plain = model.factorization()) {
                        String what = shape + " ranks " + java.util.Arrays.toString(ranks[c]) + ", " + count + " entries";
                        assertTrue(plain.usesPartialProduct(), what + ": the core costs far more per entry than one rank");
                        plain.evaluate(at, served);
                        double tolerance = 1e-12 * Math.max(1, magnitude(direct.toArray()));
                        assertArrayEquals(direct.toArray(), served.toArray(), tolerance, what);
                        plain.evaluate(at, served); // a second call reuses the pooled chunk
                        assertArrayEquals(direct.toArray(), served.toArray(), tolerance, what + ", again");
                        int[] index = new int[3];
                        for (int e = 0; e < count; e++) {
                            for (int n = 0; n < 3; n++) {
                                index[n] = at.index(e, n);
                            }
                            assertEquals(direct.getFlat(e), plain.at(index), tolerance, what + ", entry " + e);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aFactorizationIsACopy() {
        Shape shape = Shape.of(3, 4, 2);
        try (Model model = Models.build(CP.shallow().rank(2), shape)) {
            Fixtures.randomize(model, new SplittableRandom(3), 0.5);
            try (Factorization plain = model.factorization()) {
                double before = plain.at(1, 2, 1);
                Fixtures.randomize(model, new SplittableRandom(4), 0.5);
                assertEquals(before, plain.at(1, 2, 1), 0.0, "changing the model leaves the factorization as it was");
                assertThrows(IllegalArgumentException.class, () -> plain.values().set(java.lang.foreign.ValueLayout.JAVA_DOUBLE, 0, 1.0));
            }
        }
    }

    @Test
    void badLayoutsAndValuesAreRefused() {
        Shape shape = Shape.of(3, 4);
        try (Tensor six = Tensor.zeros(6); Tensor fourteen = Tensor.zeros(14)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Factorization.of(Factorization.Kind.CP, shape, new int[] {2}, six))
                    .getMessage().contains("has 14 values, got 6"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Factorization.of(Factorization.Kind.CP, shape, new int[] {2, 2}, six))
                    .getMessage().contains("needs one rank"));
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> Factorization.of(Factorization.Kind.TENSOR_TRAIN, shape, new int[] {2, 2, 1}, six)).getMessage().contains("starting and ending with 1"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Factorization.of(Factorization.Kind.TUCKER, shape, new int[] {0, 2}, six))
                    .getMessage().contains("at least 1"));
            fourteen.setFlat(9, Double.NaN);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Factorization.of(Factorization.Kind.CP, shape, new int[] {2}, fourteen))
                    .getMessage().contains("value 9"));
            fourteen.setFlat(9, 0);
            try (Factorization cp = Factorization.of(Factorization.Kind.CP, shape, new int[] {2}, fourteen)) {
                assertThrows(IndexOutOfBoundsException.class, () -> cp.at(3, 0));
                assertThrows(IndexOutOfBoundsException.class, () -> cp.at(0));
            }
        }
    }
}
