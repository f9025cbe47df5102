package deeptensor.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.model.Batch;
import deeptensor.tensor.Coordinates;
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

    @Test
    void holdOutBoundaries() {
        try (Coordinates at = coordinates(10); Tensor values = offsetsAsValues(at); Tensor wrong = Tensor.zeros(9);
             Tensor matrix = Tensor.zeros(2, 5)) {
            assertThrows(IllegalArgumentException.class, () -> Split.holdOut(at, wrong, 0.2, 1), "9 values for 10 coordinates");
            assertThrows(IllegalArgumentException.class, () -> Split.holdOut(at, matrix, 0.2, 1), "a matrix of 10 values");
            for (double bad : new double[] {-1e-300, 1, Double.NaN}) {
                assertThrows(IllegalArgumentException.class, () -> Split.holdOut(at, values, bad, 1), "fraction " + bad);
            }
            try (Split none = Split.holdOut(at, values, 0, 1)) {
                assertFalse(none.hasValidation());
                assertEquals(10, none.trainCoordinates().count());
            }
            try (Split tiny = Split.holdOut(at, values, 0.01, 1)) { // round(0.1) = 0, raised to one held-out entry
                assertTrue(tiny.hasValidation());
                assertEquals(1, tiny.validationCoordinates().count());
                assertEquals(9, tiny.trainCoordinates().count());
            }
            try (Split most = Split.holdOut(at, values, 0.9, 1)) { // round(9) = 9 held out, one left to train on
                assertEquals(1, most.trainCoordinates().count());
                assertEquals(9, most.validationCoordinates().count());
            }
        }
    }

    @Test
    void closingASplitReleasesItsParts() {
        try (Coordinates at = coordinates(10); Tensor values = offsetsAsValues(at)) {
            Split split = Split.holdOut(at, values, 0.3, 1);
            Tensor train = split.trainValues(), validation = split.validationValues();
            split.close();
            assertFalse(train.isOpen());
            assertFalse(validation.isOpen());
            assertTrue(values.isOpen(), "the input is not the split's to close");
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
