package deeptensor.internal.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.internal.model.Batch;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitTest {

    @Test
    void holdOutPartitionsTheEntriesKeepingValues() {
        Shape shape = Shape.of(5, 6, 7);
        try (Problems.Observed problem = Problems.lowRankCp(shape, 2, 100, 3);
             Observations all = Observations.of(problem.at(), problem.values());
             Split split = Split.of(all, 0.25, 4)) {
            assertEquals(75, split.train().coordinates().count());
            assertEquals(25, split.validation().coordinates().count());
            Map<Long, Double> seen = new HashMap<>();
            for (int e = 0; e < 75; e++) {
                seen.put(split.train().coordinates().offset(e), split.train().values().getFlat(e));
            }
            for (int e = 0; e < 25; e++) {
                assertFalse(seen.containsKey(split.validation().coordinates().offset(e)), "train and validation overlap");
                seen.put(split.validation().coordinates().offset(e), split.validation().values().getFlat(e));
            }
            assertEquals(100, seen.size());
            for (int e = 0; e < 100; e++) {
                assertEquals(problem.values().getFlat(e), seen.get(problem.at().offset(e)), 0.0);
            }
        }
    }

    @Test
    void badFractionsAreRejected() {
        try (Problems.Observed problem = Problems.lowRankCp(Shape.of(3, 3), 1, 2, 3);
             Observations all = Observations.of(problem.at(), problem.values())) {
            assertThrows(IllegalArgumentException.class, () -> Split.of(all, 1.0, 1));
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Split.of(all, 0.9, 1));
            assertTrue(none.getMessage().contains("none to train on"), none.getMessage());
        }
    }

    @Test
    void miniBatchesOfOneEpochAreDisjointAndFull() {
        Shape shape = Shape.of(5, 6, 7);
        try (Problems.Observed problem = Problems.lowRankCp(shape, 2, 50, 3);
             BatchSampler sampler = new BatchSampler(problem.at(), problem.values(), 8, 21)) {
            assertEquals(6, sampler.stepsPerEpoch()); // ⌊50/8⌋, the remainder of 2 is dropped
            for (int epoch = 0; epoch < 2; epoch++) {
                Set<Long> seen = new HashSet<>();
                for (int s = 0; s < 6; s++) {
                    Batch batch = sampler.batch(epoch * 6L + s);
                    assertEquals(8, batch.size());
                    for (int e = 0; e < 8; e++) {
                        assertTrue(seen.add(batch.coordinates().offset(e)), "an entry appeared twice in epoch " + epoch);
                    }
                }
                assertEquals(48, seen.size());
            }
        }
    }
}
