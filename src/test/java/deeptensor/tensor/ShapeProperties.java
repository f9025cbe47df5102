package deeptensor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import deeptensor.testing.Shapes;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ShapeProperties {

    @Provide
    Arbitrary<int[]> shapes() {
        return Shapes.shapes(1, 5, 40, 5000);
    }

    @Property(tries = 200)
    void offsetAndIndexAreInverse(@ForAll("shapes") int[] dims) {
        Shape shape = Shape.of(dims);
        int[] index = new int[dims.length];
        for (long offset = 0; offset < shape.size(); offset += 1 + shape.size() / 50) {
            shape.index(offset, index);
            assertEquals(offset, shape.offset(index));
        }
        assertEquals(Shapes.product(dims), shape.size());
    }

    @Property(tries = 100)
    void sliceOfAReshapeSeesTheSameElements(@ForAll("shapes") int[] dims) {
        try (Tensor x = Tensor.uniform(dims.length, -1, 1, dims)) {
            Tensor last = x.slice(dims[0] - 1);
            double[] all = x.toArray();
            double[] tail = java.util.Arrays.copyOfRange(all, (int) (all.length - last.size()), all.length);
            assertArrayEquals(tail, last.toArray(), 0.0);
        }
    }
}
