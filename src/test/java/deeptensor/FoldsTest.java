package deeptensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FoldsTest {

    @Test
    void everyEntryIsHeldOutByExactlyOneFoldAndTheSizesDifferByAtMostOne() {
        Shape shape = Shape.of(7, 5, 3);
        for (int m : new int[] {5, 6, 17, 105}) {
            long[] offsets = new long[m];
            double[] values = new double[m];
            for (int e = 0; e < m; e++) {
                offsets[e] = e;
                values[e] = e; // the value names the entry
            }
            try (Coordinates at = Coordinates.ofOffsets(shape, offsets); Tensor y = Tensor.of(values, m)) {
                Folds folds = Folds.of(m, 5, 42);
                Map<Double, Integer> heldBy = new HashMap<>();
                int smallest = Integer.MAX_VALUE, largest = 0;
                for (int f = 0; f < folds.count(); f++) {
                    try (Folds.Fold fold = folds.fold(at, y, f)) {
                        assertEquals(m, fold.trainY().size() + fold.validY().size());
                        smallest = Math.min(smallest, (int) fold.validY().size());
                        largest = Math.max(largest, (int) fold.validY().size());
                        for (long e = 0; e < fold.validY().size(); e++) {
                            double v = fold.validY().getFlat(e);
                            assertEquals(null, heldBy.put(v, f), "entry " + v + " held out twice");
                            assertEquals((long) v, fold.validAt().offset((int) e), "value and coordinate travel together");
                        }
                    }
                }
                assertEquals(m, heldBy.size());
                assertTrue(largest - smallest <= 1, smallest + " … " + largest);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameFolds() {
        try (Coordinates at = Coordinates.ofOffsets(Shape.of(40), java.util.stream.LongStream.range(0, 40).toArray());
             Tensor y = Tensor.of(java.util.stream.IntStream.range(0, 40).asDoubleStream().toArray(), 40);
             Folds.Fold a = Folds.of(40, 5, 9).fold(at, y, 2);
             Folds.Fold b = Folds.of(40, 5, 9).fold(at, y, 2);
             Folds.Fold c = Folds.of(40, 5, 10).fold(at, y, 2)) {
            assertArrayEquals(a.validY().toArray(), b.validY().toArray(), 0.0);
            assertTrue(!java.util.Arrays.equals(a.validY().toArray(), c.validY().toArray()), "another seed, other folds");
        }
    }

    @Test
    void tooFewEntriesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Folds.of(4, 5, 0));
    }
}
