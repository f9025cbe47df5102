package deeptensor.tensor;

import deeptensor.internal.train.Split;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ObservationsTest {

    @Test
    void denseWithNaNKeepsTheOtherEntriesInRowMajorOrder() {
        double nan = Double.NaN;
        try (Tensor dense = Tensor.of(new double[] {1, nan, 3, nan, nan, 6}, 2, 3);
                Observations observed = Observations.fromDense(dense)) {
            assertEquals(3, observed.count());
            assertEquals(0.5, observed.fraction());
            assertArrayEquals(new double[] {1, 3, 6}, observed.values().toArray());
            assertEquals(0, observed.index(1, 0));
            assertEquals(2, observed.index(1, 1));
            assertEquals(5, observed.offset(2));
        }
    }

    @Test
    void maskSelectsEntriesAndMayHideNaN() {
        try (Tensor dense = Tensor.of(new double[] {1, Double.NaN, 3, 4}, 4);
                Tensor mask = Tensor.of(new double[] {1, 0, 0, 1}, 4);
                Observations observed = Observations.fromDense(dense, mask)) {
            assertArrayEquals(new double[] {1, 4}, observed.values().toArray());
            assertEquals(3, observed.offset(1));
        }
    }

    @Test
    void badInputIsRefusedWithTheIndexNamed() {
        try (Tensor dense = Tensor.of(new double[] {1, Double.NaN, Double.POSITIVE_INFINITY}, 3);
                Tensor mask = Tensor.of(new double[] {1, 1, 0}, 3);
                Tensor badMask = Tensor.of(new double[] {1, 0.5, 0}, 3);
                Tensor shortMask = Tensor.zeros(2);
                Tensor scalar = Tensor.zeros(Shape.of())) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Observations.fromDense(dense))
                    .getMessage().contains("[2]"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Observations.fromDense(dense, mask))
                    .getMessage().contains("NaN"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Observations.fromDense(dense, badMask))
                    .getMessage().contains("0.5"));
            assertThrows(IllegalArgumentException.class, () -> Observations.fromDense(dense, shortMask));
            assertThrows(IllegalArgumentException.class, () -> Observations.fromDense(scalar));
        }
        Shape shape = Shape.of(2, 2);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Observations.of(shape, new int[] {0, 1, 1, 0, 0, 1}, new double[] {1, 2, 3}))
                .getMessage().contains("entries 0 and 2"));
        assertThrows(IllegalArgumentException.class, () -> Observations.of(shape, new int[] {0, 1}, new double[] {Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> Observations.of(shape, new int[] {0, 1, 1}, new double[] {1}));
        assertThrows(IndexOutOfBoundsException.class, () -> Observations.of(shape, new int[] {0, 2}, new double[] {1}));
    }

    @Test
    void emptyObservationsAreAValue() {
        try (Observations none = Observations.of(Shape.of(3, 0), new int[0], new double[0])) {
            assertEquals(0, none.count());
            assertEquals(0.0, none.fraction());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Split.of(none, 0.5, 1)).getMessage().contains("none to train on"),
                    "nothing to split");
            assertThrows(IllegalArgumentException.class, () -> Split.of(none, 0, 1), "no entry to train on either way");
        }
    }

    @Test
    void splitIsReproducibleFromTheSeedAndDependsOnIt() {
        try (Tensor dense = Tensor.gaussian(5, 1.0, 10, 10);
                Observations all = Observations.fromDense(dense);
                Split first = Split.of(all, 0.2, 42);
                Split again = Split.of(all, 0.2, 42);
                Split other = Split.of(all, 0.2, 43)) {
            assertEquals(20, first.validation().count());
            assertEquals(80, first.train().count());
            assertArrayEquals(offsets(first.validation()), offsets(again.validation()));
            assertNotEquals(java.util.Arrays.toString(offsets(first.validation())),
                    java.util.Arrays.toString(offsets(other.validation())));
        }
    }

    @Test
    void denseAndMaskRebuildTheInput() {
        try (Tensor dense = Tensor.of(new double[] {Double.NaN, 2, 3, Double.NaN}, 2, 2);
                Observations observed = Observations.fromDense(dense);
                Tensor back = observed.toDense();
                Tensor mask = observed.mask()) {
            assertArrayEquals(dense.toArray(), back.toArray());
            assertArrayEquals(new double[] {0, 1, 1, 0}, mask.toArray());
        }
    }

    @Test
    void closingTheValuesViewDoesNotReleaseTheObservations() {
        try (Observations observed = Observations.of(Shape.of(3), new int[] {2}, new double[] {7})) {
            observed.values().close();
            assertEquals(7.0, observed.value(0));
        }
    }

    static long[] offsets(Observations observations) {
        long[] offsets = new long[observations.count()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = observations.offset(i);
        }
        return offsets;
    }
}
