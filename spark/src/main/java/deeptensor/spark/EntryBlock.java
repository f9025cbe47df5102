package deeptensor.spark;

import java.io.Serializable;

/**
 * The observed entries of one partition, packed once: row-major indexes ({@code count × order}
 * ints) and values already divided by the data's scale, split into a training part and a
 * validation part. This is what the fit caches in Spark (one block per partition, about 20 bytes
 * per entry of order 3 on the heap) and what an executor turns into the library's off-heap
 * {@code Coordinates} and {@code Tensor} once per partition.
 */
record EntryBlock(int partition, int[] trainIndexes, double[] trainValues, int[] validationIndexes, double[] validationValues)
        implements Serializable {

    int trainCount() {
        return trainValues.length;
    }

    int validationCount() {
        return validationValues.length;
    }
}
