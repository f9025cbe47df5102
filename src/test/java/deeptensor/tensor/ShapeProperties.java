package deeptensor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import deeptensor.testing.Properties;
import deeptensor.testing.Shapes;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class ShapeProperties {

    private static final Gen<int[]> SHAPES = Shapes.shapes(1, 6, 40, 5000);

    @Test
    void offsetAndIndexAreInverse() {
        Properties.qt(200).forAll(SHAPES).checkAssert((dims) -> {
            Shape shape = Shape.of(dims);
            int[] index = new int[dims.length];
            for (long offset = 0; offset < shape.size(); offset += 1 + shape.size() / 50) {
                shape.index(offset, index);
                assertEquals(offset, shape.offset(index));
            }
            assertEquals(Shapes.product(dims), shape.size());
        });
    }

    @Test
    void sliceOfAReshapeSeesTheSameElements() {
        Properties.qt(100).forAll(SHAPES).checkAssert((dims) -> {
            try (Tensor x = Tensor.uniform(dims.length, -1, 1, dims)) {
                Tensor last = x.slice(dims[0] - 1);
                double[] all = x.toArray();
                double[] tail = java.util.Arrays.copyOfRange(all, (int) (all.length - last.size()), all.length);
                assertArrayEquals(tail, last.toArray(), 0.0);
            }
        });
    }
}
