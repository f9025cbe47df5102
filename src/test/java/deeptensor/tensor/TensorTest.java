package deeptensor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {

    private static void messageNames(Exception e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "message «" + e.getMessage() + "» should name «" + fragment + "»");
        }
    }

    @Test
    void storageIsRowMajorAndAligned() {
        try (Tensor x = Tensor.of(new double[] {0, 1, 2, 3, 4, 5}, 2, 3)) {
            assertEquals(5.0, x.get(1, 2));
            assertEquals(3.0, x.get(1, 0));
            assertEquals(0, x.segment().address() % Tensor.ALIGNMENT);
            assertEquals(3, x.shape().stride(0));
            assertEquals(1, x.shape().stride(1));
            assertEquals(2, x.rows());
            assertEquals(3, x.cols());
        }
    }

    @Test
    void viewsShareMemoryWithoutCopying() {
        try (Tensor x = Tensor.of(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 2, 3, 2)) {
            Tensor slice = x.slice(1);
            assertEquals(Shape.of(3, 2), slice.shape());
            assertEquals(6.0, slice.get(0, 0));
            slice.set(-1, 2, 1);
            assertEquals(-1.0, x.get(1, 2, 1), "a write through the view reaches the tensor");
            Tensor range = x.slice(1, 2);
            assertEquals(Shape.of(1, 3, 2), range.shape());
            assertTrue(range.overlaps(slice));
            Tensor flat = x.reshape(12);
            assertEquals(-1.0, flat.getFlat(11));
            assertTrue(flat.isView());
            assertFalse(x.isView());
        }
    }

    @Test
    void useAfterCloseFailsFastForTheTensorAndItsViews() {
        Tensor x = Tensor.zeros(2, 2);
        Tensor view = x.slice(0);
        x.close();
        x.close(); // closing twice is allowed
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.get(0, 0));
        messageNames(e, "2×2", "close");
        IllegalStateException viaView = assertThrows(IllegalStateException.class, () -> view.getFlat(0));
        messageNames(viaView, "view", "close");
        assertThrows(IllegalStateException.class, x::segment);
        assertFalse(x.isOpen());
    }

    @Test
    void outOfRangeIndexesAreRejectedWithTheShapeNamed() {
        try (Tensor x = Tensor.zeros(2, 3)) {
            messageNames(assertThrows(IndexOutOfBoundsException.class, () -> x.get(2, 0)), "[2, 0]", "2×3");
            messageNames(assertThrows(IndexOutOfBoundsException.class, () -> x.get(0, -1)), "2×3");
            messageNames(assertThrows(IllegalArgumentException.class, () -> x.get(0)), "order 2");
            messageNames(assertThrows(IndexOutOfBoundsException.class, () -> x.getFlat(6)), "offset 6");
            messageNames(assertThrows(IndexOutOfBoundsException.class, () -> x.slice(2)), "slice 2");
            messageNames(assertThrows(IllegalArgumentException.class, () -> x.reshape(4, 2)), "2×3", "4×2");
        }
    }

    @Test
    void negativeOverflowingAndUnallocatableSizesAreRejectedBeforeAllocating() {
        messageNames(assertThrows(IllegalArgumentException.class, () -> Shape.of(3, -1)), "negative", "-1");
        messageNames(assertThrows(IllegalArgumentException.class, () -> Shape.of(1 << 30, 1 << 30, 1 << 30)), "more elements");
        // 2^60 elements is the first count whose byte size (2^63) overflows a long.
        messageNames(assertThrows(IllegalArgumentException.class, () -> Shape.of(1 << 30, 1 << 30)), "more elements");
        messageNames(assertThrows(IllegalArgumentException.class, () -> Shape.of(Integer.MAX_VALUE, Integer.MAX_VALUE, 4, 0).sizeOf(0, 3)),
                "more elements");
        messageNames(assertThrows(IllegalArgumentException.class, () -> Shape.ofLongs(3L << 33)), "outside");
        // 2^31 · 2^20 doubles = 16 PiB: a valid shape, but no machine here holds it.
        messageNames(assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(Integer.MAX_VALUE, 1 << 20)),
                "2147483647×1048576", "18.0 PB", "limit of off-heap memory", "machine's");
        messageNames(assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[5], 2, 3)), "5 values", "2×3");
        messageNames(assertThrows(IllegalArgumentException.class, () -> Tensor.matrix(new double[][] {{1, 2}, {3}})), "row 1");
    }

    @Test
    void zeroSizeAndScalarShapesWork() {
        try (Tensor empty = Tensor.zeros(3, 0, 2); Tensor scalar = Tensor.zeros()) {
            assertEquals(0, empty.size());
            assertArrayEquals(new double[0], empty.toArray());
            assertEquals(1, scalar.size());
            scalar.set(4.5);
            assertEquals(4.5, scalar.get());
            assertEquals("scalar", scalar.shape().toString());
        }
    }

    @Test
    void seededRandomTensorsAreReproducible() {
        try (Tensor a = Tensor.gaussian(42, 1.0, 5, 7); Tensor b = Tensor.gaussian(42, 1.0, 5, 7);
             Tensor c = Tensor.gaussian(43, 1.0, 5, 7)) {
            assertArrayEquals(a.toArray(), b.toArray(), 0.0);
            assertFalse(java.util.Arrays.equals(a.toArray(), c.toArray()));
        }
    }

    @Test
    void viewsAtAnElementOffsetFitInsideTheTensor() {
        try (Tensor x = Tensor.of(new double[] {0, 1, 2, 3, 4, 5, 6, 7}, 8)) {
            Tensor v = x.view(2, 2, 3);
            assertEquals(Shape.of(2, 3), v.shape());
            assertEquals(7.0, v.get(1, 2));
            messageNames(assertThrows(IndexOutOfBoundsException.class, () -> x.view(3, 2, 3)), "element 3", "2×3");
            messageNames(assertThrows(IndexOutOfBoundsException.class, () -> x.view(-1, 1)), "element -1");
        }
    }

    @Test
    void closedCoordinatesFailWithAClearMessage() {
        Coordinates at = Coordinates.of(Shape.of(2, 3), new int[] {1, 2});
        at.close();
        messageNames(assertThrows(IllegalStateException.class, () -> at.index(0, 0)), "2×3", "close");
    }

    @Test
    void coordinatesAreCheckedAgainstTheirShape() {
        Shape shape = Shape.of(2, 3);
        messageNames(assertThrows(IndexOutOfBoundsException.class, () -> Coordinates.of(shape, new int[] {0, 0, 1, 3})),
                "entry 1", "[1, 3]", "2×3");
        messageNames(assertThrows(IllegalArgumentException.class, () -> Coordinates.of(shape, new int[] {0, 0, 1})),
                "3 indexes");
        try (Coordinates at = Coordinates.of(shape, new int[][] {{1, 2}, {0, 1}})) {
            assertEquals(2, at.count());
            assertEquals(5, at.offset(0));
            assertEquals(1, at.offset(1));
        }
    }
}
