package deeptensor.internal.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.internal.model.Batch;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Hold-out splits at their boundaries and mini-batches that keep each value with its coordinate. */
class SamplingTest {

    private static final Shape SHAPE = Shape.of(4, 5, 3);

    /** m entries whose value is their own offset, so a value can be checked against its coordinate. */
    private static Coordinates coordinates(int m) {
        long[] offsets = new long[m];
        for (int e = 0; e < m; e++) {
            offsets[e] = (7L * e) % SHAPE.size();
        }
        return Coordinates.ofOffsets(SHAPE, offsets);
    }

    private static Tensor offsetsAsValues(Coordinates at) {
        Tensor values = Tensor.zeros(at.count());
        for (int e = 0; e < at.count(); e++) {
            values.setFlat(e, at.offset(e));
        }
        return values;
    }

    /** The one hold-out rule (Observations.split), at its boundaries, as training uses it. */
    @Test
    void holdOutBoundaries() {
        try (Coordinates at = coordinates(10); Tensor values = offsetsAsValues(at); Tensor wrong = Tensor.zeros(9);
             Tensor matrix = Tensor.zeros(2, 5); Observations all = Observations.of(at, values)) {
            assertThrows(IllegalArgumentException.class, () -> Observations.of(at, wrong), "9 values for 10 coordinates");
            assertThrows(IllegalArgumentException.class, () -> Observations.of(at, matrix), "a matrix of 10 values");
            for (double bad : new double[] {-1e-300, 1, Double.NaN}) {
                assertThrows(IllegalArgumentException.class, () -> Split.of(all, bad, 1), "fraction " + bad);
            }
            try (Split none = Split.of(all, 0, 1)) {
                assertEquals(0, none.validation().count());
                assertEquals(10, none.train().count());
            }
            try (Split tiny = Split.of(all, 0.01, 1)) { // round(0.1) = 0, raised to one held-out entry
                assertEquals(1, tiny.validation().count());
                assertEquals(9, tiny.train().count());
            }
            try (Split most = Split.of(all, 0.9, 1)) { // round(9) = 9 held out, one left to train on
                assertEquals(1, most.train().count());
                assertEquals(9, most.validation().count());
            }
        }
    }

    @Test
    void closingASplitReleasesItsParts() {
        try (Coordinates at = coordinates(10); Tensor values = offsetsAsValues(at); Observations all = Observations.of(at, values)) {
            Split split = Split.of(all, 0.3, 1);
            Tensor train = split.train().values(), validation = split.validation().values();
            split.close();
            assertFalse(train.isOpen());
            assertFalse(validation.isOpen());
            assertTrue(values.isOpen(), "the input is not the split's to close");
            assertTrue(all.values().isOpen(), "the observations are not the split's to close");
        }
    }

    @Test
    void batchSizesMustFitTheData() {
        try (Coordinates at = coordinates(10); Tensor values = offsetsAsValues(at)) {
            assertThrows(IllegalArgumentException.class, () -> new BatchSampler(at, values, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> new BatchSampler(at, values, 11, 1));
            assertDoesNotThrow(() -> new BatchSampler(at, values, 1, 1).close());
            assertDoesNotThrow(() -> new BatchSampler(at, values, 10, 1).close());
        }
    }

    @Test
    void everyBatchValueStaysWithItsCoordinate() {
        try (Coordinates at = coordinates(30); Tensor values = offsetsAsValues(at)) {
            BatchSampler sampler = new BatchSampler(at, values, 4, 5);
            Batch batch = null;
            for (long step = 0; step < 3 * sampler.stepsPerEpoch(); step++) {
                batch = sampler.batch(step);
                for (int k = 0; k < batch.size(); k++) {
                    assertEquals(batch.coordinates().offset(k), batch.targets().getFlat(k), 0.0, "step " + step + ", entry " + k);
                }
            }
            Tensor targets = batch.targets(), predictions = batch.predictions();
            sampler.close();
            assertFalse(targets.isOpen(), "closing the sampler releases its batch buffers");
            assertFalse(predictions.isOpen(), "and the batch's own");
        }
    }
}
