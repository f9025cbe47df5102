package deeptensor.spark;

import java.io.Serializable;

/**
 * The observed entries of one partition, packed once: row-major indexes ({@code count × order}
 * ints) and values as observed, split into a training part and a validation part. This is what
 * the fit caches in Spark (one block per partition, about 20 bytes per entry of order 3 on the
 * heap) and what an executor turns into the library's off-heap {@code Coordinates} and
 * {@code Tensor} once per partition. A plain class rather than a record, so that any serializer
 * Spark is configured with (Java or Kryo) can write it when a block spills to disk.
 */
final class EntryBlock implements Serializable {

    private int partition;
    private int[] trainIndexes;
    private double[] trainValues;
    private int[] validationIndexes;
    private double[] validationValues;

    /** For serializers. */
    EntryBlock() {
    }

    EntryBlock(int partition, int[] trainIndexes, double[] trainValues, int[] validationIndexes, double[] validationValues) {
        this.partition = partition;
        this.trainIndexes = trainIndexes;
        this.trainValues = trainValues;
        this.validationIndexes = validationIndexes;
        this.validationValues = validationValues;
    }

    int partition() {
        return partition;
    }

    int[] trainIndexes() {
        return trainIndexes;
    }

    double[] trainValues() {
        return trainValues;
    }

    int[] validationIndexes() {
        return validationIndexes;
    }

    double[] validationValues() {
        return validationValues;
    }

    int trainCount() {
        return trainValues.length;
    }

    int validationCount() {
        return validationValues.length;
    }
}
